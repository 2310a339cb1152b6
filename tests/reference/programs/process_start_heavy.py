"""process_start.py with a main module that imports something heavier first (`requests`, as any program that
fetches does). Same arguments, same output."""
import requests  # noqa: F401  (the point: a spawned worker imports this module, and requests with it)

from process_start import main, square  # noqa: F401  (square: what the workers run)

if __name__ == "__main__":
    main()
