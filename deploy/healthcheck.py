"""Container health check for the API: exit 0 when GET /health answers 200, else 1.

The image's HEALTHCHECK and docker-compose.yml run it. Standard library only (the slim
image has no curl). /health answers 503 when the database or Temporal is unreachable, so
a container whose dependencies are down is reported unhealthy, with the reason printed.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    url = f"http://127.0.0.1:{os.environ.get('THIDUA_HTTP_PORT', '8000')}/health"
    try:
        with urllib.request.urlopen(url, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except urllib.error.HTTPError as error:
        print(f"{url}: {error.code} {error.read(500).decode('utf-8', 'replace')}")
        return 1
    except OSError as error:
        print(f"{url}: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
