"""Sequential GETs through a proxy with one python-requests Session; prints one JSON document on stdout.

usage: requests_client.py PROXY COUNT URL [URL...]   (request i fetches URL number i % len(URLs))
https:// targets are verified against the PEM file in $INTEROP_CA_BUNDLE when it is set.
"""
import hashlib
import json
import os
import sys

import requests

HEADERS = ("x-rotagate-upstream", "x-rotagate-error", "proxy-authenticate", "via", "x-origin")


def main():
    proxy, count, urls = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    results = []
    with requests.Session() as session:
        session.trust_env = False  # only the proxy given here, never one from the environment
        session.verify = os.environ.get("INTEROP_CA_BUNDLE") or True
        proxies = {"http": proxy, "https": proxy}
        for i in range(count):
            url = urls[i % len(urls)]
            entry = {"i": i, "url": url}
            try:
                r = session.get(url, proxies=proxies, timeout=15, allow_redirects=False)
                entry.update(status=r.status_code, length=len(r.content),
                             sha256=hashlib.sha256(r.content).hexdigest(),
                             headers={h: r.headers[h] for h in HEADERS if h in r.headers})
                if len(r.content) <= 2048:
                    entry["text"] = r.content.decode("utf-8", "replace")
            except Exception as e:  # recorded, so the test can say which request failed and how
                entry["error"] = "%s: %s" % (type(e).__name__, e)
            results.append(entry)
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
