"""kg: a knowledge-graph builder for Russia-Belarus-Ukraine security relations."""

__version__ = "0.1.0"
