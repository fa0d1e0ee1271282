"""The warehouse: table schemas and the build that writes them."""
