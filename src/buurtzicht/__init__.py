"""buurtzicht: open sight on undermining crime (ondermijning) per gemeente, wijk and buurt."""

__version__ = "0.1.0"
