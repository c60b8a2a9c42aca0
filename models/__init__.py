"""Model folders shipped with measures; installed as the package ``measures.models``."""
