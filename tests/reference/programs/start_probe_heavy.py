"""start_probe.py with `import requests` in the main module: what a worker of a program that imports requests
pays to start. Same arguments, same output."""
import requests  # noqa: F401

from start_probe import child, main, square  # noqa: F401  (child, square: what the workers run)

if __name__ == "__main__":
    main()
