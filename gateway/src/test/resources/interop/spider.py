"""A minimal Scrapy spider that fetches URLs through a proxy (request.meta['proxy']) and writes one JSON line per
response to the file given as -a out=PATH.

usage: python3 -m scrapy runspider spider.py -a proxy=http://u:p@127.0.0.1:PORT -a urls=URL,URL -a out=PATH
"""
import hashlib
import json

import scrapy


class InteropSpider(scrapy.Spider):
    name = "rotagate-interop"

    def __init__(self, proxy=None, urls="", out="scrapy-out.jsonl", *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.proxy = proxy
        self.urls = [u for u in urls.split(",") if u]
        self.out = out

    def start_requests(self):
        for i, url in enumerate(self.urls):
            yield scrapy.Request(url, meta={"proxy": self.proxy, "i": i}, dont_filter=True,
                                 callback=self.parse, errback=self.failed)

    def parse(self, response):
        self.write({"i": response.meta["i"], "url": response.url, "status": response.status,
                    "length": len(response.body), "sha256": hashlib.sha256(response.body).hexdigest(),
                    "upstream": response.headers.get("X-Rotagate-Upstream", b"").decode()})

    def failed(self, failure):
        request = failure.request
        self.write({"i": request.meta["i"], "url": request.url, "error": repr(failure.value)})

    def write(self, entry):
        with open(self.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
