project = "netviz-badoption"
extensions = ["sphinx_netviz"]
