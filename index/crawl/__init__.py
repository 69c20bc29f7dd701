"""The crawler: a disclosure site's list pages, its sitemap or a file of URLs in, a crawl folder of raw pages out.

One idea per module, in the order a URL meets them:

- :mod:`index.crawl.urls`: which URLs may be fetched (scheme, allowed hosts however spelt), list or detail page
- :mod:`index.crawl.robots`: robots.txt as RFC 9309 reads it (through protego)
- :mod:`index.crawl.fetch`: HTTP: a deadline per request, retries, redirects checked hop by hop, pacing, size caps
- :mod:`index.crawl.links`: what a fetched page or sitemap links to
- :mod:`index.crawl.folder`: the crawl folder's layout, one home for the crawler and :mod:`index.readers.crawled`
- :mod:`index.crawl.state`: the frontier and done set that let a stopped crawl resume
- :mod:`index.crawl.downloads`: a page's attachments, each downloaded once under the size limit
- :mod:`index.crawl.report`: the options an operator gives and the report of what a run did
- :mod:`index.crawl.crawler`: the run that ties them together (:func:`~index.crawl.crawler.run_crawl`)

Import from the module (``from index.crawl.crawler import run_crawl``): this file imports nothing, so the
crawl-folder reader can use :mod:`index.crawl.folder` without loading the HTTP client.
"""
