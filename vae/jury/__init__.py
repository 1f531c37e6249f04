"""The jury VAE: members, sessions, evaluation grid, signatures, results and documents."""
