"""How figures look: Dutch formats (`formats`), the product's colours and chart style (`style`) and the Dutch
labels of codes (`labels`). Shared by `reports` and `pages`; it imports nothing of the product above `config`,
so both can use it without reaching into each other (docs/architecture.md)."""
