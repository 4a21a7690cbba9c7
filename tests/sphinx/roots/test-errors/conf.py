project = "netviz-errors"
extensions = ["sphinx_netviz"]
