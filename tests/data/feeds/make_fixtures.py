#!/usr/bin/env python3
"""Regenerate the feed fixtures in this directory.

Stdlib only and deterministic: running it twice gives byte-identical files.
Several fixtures have to be byte-exact (wrong or unusual encodings, a BOM,
UTF-16, random bytes, an empty file), which is why they are produced by this
script rather than edited by hand.  See README.md for what each file tests.

Very large or compressed bodies (the 50 MB response, the gzip bomb) are
deliberately NOT written to disk; the tests build them in memory.

Usage:  python tests/data/feeds/make_fixtures.py
"""

import json
import random
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent


def write(name: str, data: bytes) -> None:
    (HERE / name).write_bytes(data)


def write_text(name: str, text: str, encoding: str = "utf-8") -> None:
    write(name, text.encode(encoding))


# --------------------------------------------------------------------------
# rss20.xml -- an ordinary WordPress-generated RSS 2.0 feed
# --------------------------------------------------------------------------
RSS20 = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:atom="http://www.w3.org/2005/Atom"
\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"
\t>

<channel>
\t<title>EV Wire</title>
\t<atom:link href="https://evwire.example/feed/" rel="self" type="application/rss+xml" />
\t<link>https://evwire.example/</link>
\t<description>Daily news on electric cars, batteries and the companies behind them</description>
\t<lastBuildDate>Wed, 18 Nov 2026 10:02:11 +0000</lastBuildDate>
\t<language>en-US</language>
\t<sy:updatePeriod>
\thourly\t</sy:updatePeriod>
\t<sy:updateFrequency>
\t1\t</sy:updateFrequency>
\t<generator>https://wordpress.org/?v=6.8.3</generator>

<image>
\t<url>https://evwire.example/wp-content/uploads/2025/01/cropped-evwire-icon-32x32.png</url>
\t<title>EV Wire</title>
\t<link>https://evwire.example/</link>
\t<width>32</width>
\t<height>32</height>
</image>
\t<item>
\t\t<title>Xiaomi YU7 deliveries top 30,000 in October as SU7 demand cools</title>
\t\t<link>https://evwire.example/2026/11/18/xiaomi-yu7-deliveries-october/\
?utm_source=rss&amp;utm_medium=rss&amp;utm_campaign=xiaomi-yu7-deliveries-october</link>
\t\t<comments>https://evwire.example/2026/11/18/xiaomi-yu7-deliveries-october/#respond</comments>
\t\t<dc:creator><![CDATA[Lena Hoffmann]]></dc:creator>
\t\t<pubDate>Wed, 18 Nov 2026 09:15:00 +0100</pubDate>
\t\t<category><![CDATA[Xiaomi]]></category>
\t\t<category><![CDATA[Sales data]]></category>
\t\t<guid isPermaLink="false">https://evwire.example/?p=88412</guid>
\t\t<description><![CDATA[<p>Xiaomi delivered 30,412 YU7 SUVs in October, its best month yet, \
while SU7 sedan volumes slipped for a third month running.</p>
<p>The post <a href="https://evwire.example/2026/11/18/xiaomi-yu7-deliveries-october/">\
Xiaomi YU7 deliveries top 30,000 in October as SU7 demand cools</a> appeared first on \
<a href="https://evwire.example">EV Wire</a>.</p>
]]></description>
\t\t<content:encoded><![CDATA[<p>Xiaomi delivered 30,412 YU7 SUVs in October, its best month \
yet, according to figures the company posted on Weibo on Tuesday evening.</p>
<p>Sales of the SU7 sedan fell to 14,870 units, the third consecutive monthly decline.</p>
]]></content:encoded>
\t\t<wfw:commentRss>https://evwire.example/2026/11/18/xiaomi-yu7-deliveries-october/feed/</wfw:commentRss>
\t\t<slash:comments>4</slash:comments>
\t</item>
\t<item>
\t\t<title>Ford denies report it will license BYD&#8217;s Blade battery for European vans</title>
\t\t<link>https://evwire.example/2026/11/17/ford-denies-byd-blade-license-report/</link>
\t\t<comments>https://evwire.example/2026/11/17/ford-denies-byd-blade-license-report/#respond</comments>
\t\t<dc:creator><![CDATA[Marcus Webb]]></dc:creator>
\t\t<pubDate>Tue, 17 Nov 2026 16:40:00 EST</pubDate>
\t\t<category><![CDATA[Ford]]></category>
\t\t<category><![CDATA[BYD]]></category>
\t\t<category><![CDATA[Batteries]]></category>
\t\t<guid isPermaLink="false">https://evwire.example/?p=88397</guid>
\t\t<description><![CDATA[<p>&#8220;There are no such discussions,&#8221; a Ford spokesperson \
said, after a German trade paper reported the company was close to licensing BYD&#8217;s LFP \
Blade cells for the E-Transit Custom.</p>]]></description>
\t\t<content:encoded><![CDATA[<p>Ford on Tuesday denied a report in a German trade publication \
that it was close to a licensing deal for BYD&#8217;s Blade battery.</p>]]></content:encoded>
\t\t<slash:comments>11</slash:comments>
\t</item>
\t<item>
\t\t<title>BYD cuts Seal and Dolphin prices in Thailand by up to 12%</title>
\t\t<link>https://evwire.example/2026/11/17/byd-thailand-price-cuts/</link>
\t\t<dc:creator><![CDATA[Nattapong S.]]></dc:creator>
\t\t<pubDate>Tue, 17 Nov 2026 08:05:00 GMT</pubDate>
\t\t<category><![CDATA[BYD]]></category>
\t\t<category><![CDATA[Pricing]]></category>
\t\t<guid isPermaLink="false">https://evwire.example/?p=88371</guid>
\t\t<description><![CDATA[<p>The reductions, the second round this year, take the entry \
Dolphin below 500,000 baht.</p>]]></description>
\t</item>
\t<item>
\t\t<title>Xiaomi calls report of European factory plans &#8220;speculation&#8221;</title>
\t\t<link>https://evwire.example/2026/11/16/xiaomi-european-factory-speculation/</link>
\t\t<dc:creator><![CDATA[Lena Hoffmann]]></dc:creator>
\t\t<pubDate>Mon, 16 Nov 2026 22:30:00 +0800</pubDate>
\t\t<category><![CDATA[Xiaomi]]></category>
\t\t<category><![CDATA[Manufacturing]]></category>
\t\t<guid isPermaLink="false">https://evwire.example/?p=88350</guid>
\t\t<description><![CDATA[<p>Xiaomi said it had &#8220;no current plans&#8221; to build \
cars in Europe, responding to a Bloomberg report that it had scouted sites in Hungary \
and Spain.</p>]]></description>
\t</item>
\t<item>
\t\t<title>Opinion: What Ford can learn from BYD&#8217;s vertical integration</title>
\t\t<link>https://evwire.example/2026/11/16/opinion-ford-byd-vertical-integration/</link>
\t\t<dc:creator><![CDATA[Priya Raman]]></dc:creator>
\t\t<category><![CDATA[Opinion]]></category>
\t\t<guid isPermaLink="true">https://evwire.example/2026/11/16/opinion-ford-byd-vertical-integration/</guid>
\t\t<description><![CDATA[<p>BYD makes its own cells, chips and even its own car-carrier \
ships. Ford makes trucks people love. Both matter.</p>]]></description>
\t</item>
\t</channel>
</rss>
"""

# --------------------------------------------------------------------------
# atom.xml -- Atom 1.0 with xml:base, several links per entry, offsets
# --------------------------------------------------------------------------
ATOM = """\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"
      xmlns:thr="http://purl.org/syndication/thread/1.0"
      xml:lang="en" xml:base="https://newsroom.byd.example/">
  <id>tag:newsroom.byd.example,2024:/feed</id>
  <title>BYD Global Newsroom</title>
  <subtitle>Press releases and statements from BYD Company Limited</subtitle>
  <updated>2026-11-18T11:05:00+08:00</updated>
  <link rel="self" type="application/atom+xml" href="https://newsroom.byd.example/feed.atom"/>
  <link rel="alternate" type="text/html" href="https://newsroom.byd.example/"/>
  <author>
    <name>BYD Corporate Communications</name>
    <email>press@byd.example</email>
  </author>
  <rights>&#169; 2026 BYD Company Limited</rights>
  <generator uri="https://gohugo.io/" version="0.139.0">Hugo</generator>

  <entry>
    <id>tag:newsroom.byd.example,2026-11-18:/news/2026/11/record-overseas-sales-q3</id>
    <title>BYD reports record third-quarter overseas sales of 312,000 vehicles</title>
    <link rel="alternate" type="text/html"
          href="https://newsroom.byd.example/news/2026/11/record-overseas-sales-q3"/>
    <published>2026-11-18T10:30:00+08:00</published>
    <updated>2026-11-18T11:05:00+08:00</updated>
    <category term="Sales"/>
    <summary>Overseas deliveries rose 61% year on year, led by Brazil, Turkey and the UK.</summary>
  </entry>

  <entry>
    <id>tag:newsroom.byd.example,2026-11-14:/news/2026/11/denza-z9-gt-europe</id>
    <title>DENZA Z9 GT arrives in Europe with prices from &#8364;89,900</title>
    <link rel="enclosure" type="image/jpeg" length="284113"
          href="https://newsroom.byd.example/media/2026/11/denza-z9-gt.jpg"/>
    <link rel="edit" href="https://newsroom.byd.example/api/entries/4121"/>
    <link rel="replies" type="application/atom+xml" thr:count="0"
          href="https://newsroom.byd.example/news/2026/11/denza-z9-gt-europe/comments.atom"/>
    <link rel="alternate" type="text/html" hreflang="en"
          href="https://newsroom.byd.example/news/2026/11/denza-z9-gt-europe"/>
    <link rel="related" type="text/html"
          href="https://newsroom.byd.example/news/2026/09/denza-iaa-munich"/>
    <published>2026-11-14T09:00:00+01:00</published>
    <updated>2026-11-16T17:45:00Z</updated>
    <author><name>DENZA Europe Press Office</name></author>
    <category term="Products"/>
    <category term="DENZA"/>
    <summary type="html">&lt;p&gt;The 1,000 V shooting brake goes on sale in Germany, Norway and
the Netherlands first.&lt;/p&gt;</summary>
  </entry>

  <entry>
    <id>tag:newsroom.byd.example,2026-11-12:/news/2026/11/byd-uber-latam</id>
    <title type="html">BYD &amp;amp; Uber extend EV partnership to Latin America</title>
    <link href="news/2026/11/byd-uber-latam"/>
    <published>2026-11-12T08:00:00-05:00</published>
    <updated>2026-11-12T08:00:00-05:00</updated>
    <category term="Partnerships"/>
    <content type="html">&lt;p&gt;The agreement covers 50,000 vehicles for Uber drivers in
Brazil, Mexico and Colombia over three years.&lt;/p&gt;</content>
  </entry>

  <entry>
    <id>tag:newsroom.byd.example,2026-11-10:/news/2026/11/statement-europe-inventory</id>
    <title>Statement on recent media reports regarding BYD dealer inventory in Europe</title>
    <link rel="alternate" type="text/html"
          href="https://newsroom.byd.example/news/2026/11/statement-europe-inventory"/>
    <updated>2026-11-10T14:20:00+00:00</updated>
    <category term="Statements"/>
    <content type="xhtml">
      <div xmlns="http://www.w3.org/1999/xhtml">
        <p>Recent reports that more than 10,000 unsold BYD vehicles are stored at European ports
        are <strong>inaccurate</strong>. Stock levels are in line with planned deliveries.</p>
      </div>
    </content>
  </entry>
</feed>
"""

# --------------------------------------------------------------------------
# rss10_rdf.xml -- RSS 1.0 (RDF), dc:date in ISO 8601
# --------------------------------------------------------------------------
RSS10 = """\
<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF
  xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xml:lang="en">
<channel rdf:about="https://www.autotech-jp.example/index.rdf">
<title>AutoTech Japan &#8211; EV &amp; Mobility</title>
<link>https://www.autotech-jp.example/</link>
<description>English-language news on the Japanese and Asian car industry</description>
<dc:language>en</dc:language>
<dc:date>2026-11-18T12:00:00+09:00</dc:date>
<items>
<rdf:Seq>
<rdf:li rdf:resource="https://www.autotech-jp.example/news/2026/11/18/\
xiaomi-su7-ultra-nurburgring.html" />
<rdf:li rdf:resource="https://www.autotech-jp.example/news/2026/11/17/\
byd-japan-100th-dealer.html" />
<rdf:li rdf:resource="https://www.autotech-jp.example/news/2026/11/16/\
ford-no-plans-japan.html" />
</rdf:Seq>
</items>
</channel>
<item rdf:about="https://www.autotech-jp.example/news/2026/11/18/xiaomi-su7-ultra-nurburgring.html">
<title>Xiaomi SU7 Ultra sets new Nürburgring lap record for production EVs</title>
<link>https://www.autotech-jp.example/news/2026/11/18/xiaomi-su7-ultra-nurburgring.html</link>
<description>The tri-motor sedan lapped the Nordschleife in 6:58.2, according to Xiaomi.\
</description>
<dc:subject>Xiaomi</dc:subject>
<dc:creator>Kenji Watanabe</dc:creator>
<dc:date>2026-11-18T11:40:00+09:00</dc:date>
</item>
<item rdf:about="https://www.autotech-jp.example/news/2026/11/17/byd-japan-100th-dealer.html">
<title>BYD Auto Japan opens 100th dealership, confirms kei EV for 2027</title>
<link>https://www.autotech-jp.example/news/2026/11/17/byd-japan-100th-dealer.html</link>
<description>The new showroom in Sendai completes the nationwide network BYD promised in 2023.\
</description>
<dc:subject>BYD</dc:subject>
<dc:creator>Aiko Tanaka</dc:creator>
<dc:date>2026-11-17T18:00:00+09:00</dc:date>
</item>
<item rdf:about="https://www.autotech-jp.example/news/2026/11/16/ford-no-plans-japan.html">
<title>Ford says it has &#8220;no plans&#8221; to re-enter Japan, denying Nikkei report</title>
<link>https://www.autotech-jp.example/news/2026/11/16/ford-no-plans-japan.html</link>
<description>Ford left the Japanese market in 2016; a Nikkei report on Sunday said it was \
studying a return with the Mustang Mach-E.</description>
<dc:subject>Ford</dc:subject>
<dc:creator>Kenji Watanabe</dc:creator>
<dc:date>2026-11-16T09:30:00+09:00</dc:date>
</item>
</rdf:RDF>
"""

# --------------------------------------------------------------------------
# rss091.xml -- RSS 0.91 (Netscape DOCTYPE, ISO-8859-1, no item dates)
# --------------------------------------------------------------------------
RSS091 = """\
<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
 "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91">
<channel>
<title>Motor Trade Bulletin</title>
<link>http://www.motortrade-bulletin.example/</link>
<description>News for the UK motor retail trade.</description>
<language>en-gb</language>
<copyright>Copyright 2026, Motor Trade Bulletin Ltd.</copyright>
<managingEditor>editor@motortrade-bulletin.example</managingEditor>
<webMaster>webmaster@motortrade-bulletin.example</webMaster>
<pubDate>Wed, 18 Nov 2026 07:00:00 GMT</pubDate>
<lastBuildDate>Wed, 18 Nov 2026 07:00:00 GMT</lastBuildDate>
<image>
<title>Motor Trade Bulletin</title>
<url>http://www.motortrade-bulletin.example/images/mtb88x31.gif</url>
<link>http://www.motortrade-bulletin.example/</link>
<width>88</width>
<height>31</height>
</image>
<item>
<title>Ford Puma Gen-E drops below \u00a325,000 after Electric Car Grant</title>
<link>http://www.motortrade-bulletin.example/news/2026/11/18/puma-gen-e-price.html</link>
<description>Ford has confirmed the \u00a33,750 grant applies to all Puma Gen-E trims.</description>
</item>
<item>
<title>BYD signs 20 new UK dealer groups ahead of 2027 push</title>
<link>http://www.motortrade-bulletin.example/news/2026/11/17/byd-uk-dealers.html</link>
<description>Arnold Clark and Lookers are among the groups adding BYD franchises.</description>
</item>
<item>
<title>Xiaomi denies plans to sell cars in the UK before 2028</title>
<link>http://www.motortrade-bulletin.example/news/2026/11/16/xiaomi-uk-denial.html</link>
<description>A Xiaomi UK spokesman called reports of a 2027 launch \u00abinaccurate\u00bb.\
</description>
</item>
</channel>
</rss>
"""

# --------------------------------------------------------------------------
# jsonfeed.json -- JSON Feed 1.1
# --------------------------------------------------------------------------
JSONFEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "ChinaEV Brief",
    "home_page_url": "https://chinaevbrief.example/",
    "feed_url": "https://chinaevbrief.example/feed.json",
    "description": "A daily briefing on China's electric-vehicle makers.",
    "icon": "https://chinaevbrief.example/icon-512.png",
    "favicon": "https://chinaevbrief.example/favicon-64.png",
    "language": "en",
    "authors": [{"name": "ChinaEV Brief", "url": "https://chinaevbrief.example/about"}],
    "items": [
        {
            "id": "https://chinaevbrief.example/p/2026-11-18-byd-xiaomi-price-war",
            "url": "https://chinaevbrief.example/p/2026-11-18-byd-xiaomi-price-war",
            "title": "BYD and Xiaomi escalate price war with 0% financing offers",
            "content_html": (
                "<p>BYD extended zero-interest five-year loans to its entire Dynasty and "
                "Ocean line-ups on Wednesday, hours after Xiaomi announced a similar offer "
                "for the YU7.</p>"
            ),
            "summary": "Both companies now offer five-year, zero-interest loans.",
            "image": "https://chinaevbrief.example/img/2026/11/price-war.jpg",
            "date_published": "2026-11-18T14:05:00+08:00",
            "date_modified": "2026-11-18T15:20:00+08:00",
            "authors": [{"name": "Wei Zhang"}],
            "tags": ["BYD", "Xiaomi", "pricing"],
            "language": "en",
        },
        {
            "id": "tag:chinaevbrief.example,2026-11-17:ford-lincoln-exports",
            "url": "https://chinaevbrief.example/p/2026-11-17-ford-lincoln-exports",
            "external_url": "https://www.reuters.example/business/autos/ford-china-exports-2026-11-17/",
            "title": "Ford\u2019s China exports jump as Lincoln shifts production to Chongqing",
            "content_text": (
                "Ford's exports from China rose 38% in the first ten months of the year, "
                "according to customs data, as more Lincoln models are built in Chongqing."
            ),
            "date_published": "2026-11-17T09:00:00Z",
            "authors": [{"name": "Sarah Lin", "url": "https://chinaevbrief.example/authors/slin"}],
            "tags": ["Ford", "exports"],
        },
        {
            "id": "https://chinaevbrief.example/p/xiaomi-300th-store",
            "url": "https://chinaevbrief.example/p/xiaomi-300th-store",
            "title": "\u5c0f\u7c73\u6c7d\u8f66 (Xiaomi EV) opens its 300th store \u2014 a roundup",
            "content_html": (
                "<p>Xiaomi\u2019s car retail network reached 300 stores in 68 cities; "
                "the company is targeting 400 by mid-2027.</p>"
            ),
            "date_modified": "2026-11-16T20:00:00+08:00",
            "tags": ["Xiaomi", "retail"],
        },
    ],
}

# --------------------------------------------------------------------------
# google_news.xml -- a news.google.com/rss/search result, single line as served
# --------------------------------------------------------------------------
_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _gnews_ids(n: int) -> list[str]:
    rng = random.Random(20261118)
    ids = []
    for i in range(n):
        body = "".join(rng.choice(_B64URL) for _ in range(rng.randint(150, 210)))
        # Some real IDs carry an AMP variant after a "0gE"/"0gG" marker.
        amp = "" if i % 2 else "0gG" + "".join(rng.choice(_B64URL) for _ in range(60))
        ids.append("CBMi" + body + amp)
    return ids


def _gnews_article(gid: str) -> str:
    return f"https://news.google.com/rss/articles/{gid}?oc=5"


def _gnews_a(gid: str, title: str, outlet: str) -> str:
    return (
        f'<a href="{_gnews_article(gid)}" target="_blank">{escape(title)}</a>'
        f'&nbsp;&nbsp;<font color="#6f6f6f">{escape(outlet)}</font>'
    )


def google_news() -> str:
    ids = _gnews_ids(9)
    # (headline, outlet, outlet url, pubDate, [related (headline, outlet)])
    stories = [
        (
            "Ford held talks with Xiaomi over EV software tie-up",
            "Financial Times",
            "https://www.ft.com",
            "Wed, 18 Nov 2026 06:12:00 GMT",
            [
                ("Ford and Xiaomi discussed software partnership, FT reports", "Reuters"),
                ("Xiaomi shares jump on report of Ford talks", "Bloomberg.com"),
            ],
        ),
        (
            "Ford says it is not in partnership talks with Xiaomi, denies FT report",
            "Reuters",
            "https://www.reuters.com",
            "Wed, 18 Nov 2026 09:47:00 GMT",
            [
                ("Ford denies Xiaomi talks", "Automotive News"),
                ("Ford pushes back on Xiaomi partnership report", "The Detroit News"),
            ],
        ),
        (
            "Jim Farley still drives his Xiaomi SU7 - and says Ford must catch up",
            "CNBC",
            "https://www.cnbc.com",
            "Tue, 17 Nov 2026 21:30:00 GMT",
            [],
        ),
        (
            "Xiaomi shares rise after report of Ford tie-up talks; BYD slips",
            "South China Morning Post",
            "https://www.scmp.com",
            "Wed, 18 Nov 2026 03:05:00 GMT",
            [],
        ),
        (
            "Xiaomi's EV boss calls Ford partnership rumors 'pure fiction'",
            "The Verge",
            "https://www.theverge.com",
            "Wed, 18 Nov 2026 12:20:00 GMT",
            [],
        ),
    ]
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>',
        "<generator>NFE/5.0</generator>",
        '<title>"Ford Xiaomi" - Google News</title>',
        "<link>https://news.google.com/search?q=%22Ford+Xiaomi%22&amp;hl=en-US&amp;gl=US"
        "&amp;ceid=US:en</link>",
        "<language>en-US</language>",
        "<webMaster>news-webmaster@google.com</webMaster>",
        "<copyright>2026 Google Inc.</copyright>",
        "<lastBuildDate>Wed, 18 Nov 2026 12:31:07 GMT</lastBuildDate>",
        "<description>Google News</description>",
    ]
    rel_ids = iter(ids[len(stories) :])
    for gid, (title, outlet, outlet_url, pub, related) in zip(
        ids[: len(stories)], stories, strict=True
    ):
        if related:
            lis = [_gnews_a(gid, title, outlet)]
            for rtitle, routlet in related:
                lis.append(_gnews_a(next(rel_ids), rtitle, routlet))
            desc_html = "<ol>" + "".join(f"<li>{li}</li>" for li in lis) + "</ol>"
        else:
            desc_html = _gnews_a(gid, title, outlet)
        parts.append(
            "<item>"
            f"<title>{escape(title)} - {escape(outlet)}</title>"
            f"<link>{_gnews_article(gid)}</link>"
            f'<guid isPermaLink="false">{gid}</guid>'
            f"<pubDate>{pub}</pubDate>"
            f"<description>{escape(desc_html)}</description>"
            f'<source url="{outlet_url}">{escape(outlet)}</source>'
            "</item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts)


# --------------------------------------------------------------------------
# malformed.xml -- stray "&", then an unclosed tag and a truncated body
# --------------------------------------------------------------------------
MALFORMED = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>AutoBeat Daily</title>
<link>https://autobeat.example/</link>
<description>Car industry news, every weekday</description>
<item>
<title>BYD overtakes Tesla in European BEV registrations for October</title>
<link>https://autobeat.example/news/byd-overtakes-tesla-europe-october</link>
<pubDate>Wed, 18 Nov 2026 08:00:00 +0000</pubDate>
<guid>https://autobeat.example/news/byd-overtakes-tesla-europe-october</guid>
<description>BYD registered 26,800 battery-electric cars in Europe last month.</description>
</item>
<item>
<title>Ford R&D chief: solid-state batteries "still years away" & costly</title>
<link>https://autobeat.example/news/ford-rd-solid-state-years-away</link>
<pubDate>Tue, 17 Nov 2026 15:30:00 +0000</pubDate>
<guid>https://autobeat.example/news/ford-rd-solid-state-years-away</guid>
<description>Speaking at a supplier conference, Ford's battery chief poured cold water on \
near-term solid-state hopes.</description>
</item>
<item>
<title>Xiaomi to open first overseas EV showroom in Dubai</title>
<link>https://autobeat.example/news/xiaomi-dubai-showroom</link>
<pubDate>Tue, 17 Nov 2026 07:10:00 +0000</pubDate>
<guid>https://autobeat.example/news/xiaomi-dubai-showroom</guid>
<description>The store in Dubai Mall will display the SU7 and YU7 from December.</description>
</item>
<item>
<title>Exclusive: BYD weighs second Hungarian plant
<link>https://autobeat.example/news/byd-second-hungary-plant</link>
<pubDate>Mon, 16 Nov 2026 19:45:00 +0000</pubDate>
<description>BYD is considering a second vehicle plant in Hungary, three people familiar with \
the plans told AutoBeat. The company has held talks with officials in"""

# --------------------------------------------------------------------------
# Encoding fixtures
# --------------------------------------------------------------------------
_ENC_FEED = """\
<?xml version="1.0" encoding="{decl}"?>
<rss version="2.0">
<channel>
<title>{channel}</title>
<link>{site}</link>
<description>{channel_desc}</description>
<language>{lang}</language>
{items}</channel>
</rss>
"""

_ENC_ITEM = """\
<item>
<title>{title}</title>
<link>{link}</link>
<pubDate>{pub}</pubDate>
<guid>{link}</guid>
<description>{desc}</description>
</item>
"""


def enc_feed(decl, channel, site, channel_desc, lang, items):
    body = "".join(
        _ENC_ITEM.format(title=t, link=site + path, pub=p, desc=d) for t, path, p, d in items
    )
    return _ENC_FEED.format(
        decl=decl, channel=channel, site=site, channel_desc=channel_desc, lang=lang, items=body
    )


# Declares UTF-8 but the bytes are windows-1252 (a very common CMS misconfiguration).
WRONG_CHARSET = enc_feed(
    "utf-8",
    "WebAuto Magazine \u2014 English edition",
    "https://www.webauto-mag.example/en/",
    "Europe\u2019s car news, in English",
    "en",
    [
        (
            "Xiaomi\u2019s \u201cHuman x Car x Home\u201d strategy reaches Europe",
            "news/xiaomi-human-car-home-europe",
            "Wed, 18 Nov 2026 10:00:00 +0100",
            "Xiaomi will sell its smart-home range in the same stores as the YU7.",
        ),
        (
            "BYD opens \u201cCaf\u00e9 BYD\u201d flagship on the Champs-\u00c9lys\u00e9es",
            "news/byd-cafe-champs-elysees",
            "Tue, 17 Nov 2026 18:30:00 +0100",
            "The caf\u00e9 doubles as a showroom for the SEAL and SEALION 7.",
        ),
        (
            "Ford calls Saarlouis sale reports \u201cpremature\u201d \u2013 d\u00e9j\u00e0 vu "
            "for workers",
            "news/ford-saarlouis-premature",
            "Tue, 17 Nov 2026 09:45:00 +0100",
            "The union said it had heard the same assurances in 2022.",
        ),
    ],
)

CP1252 = enc_feed(
    "windows-1252",
    "Autowelt Nachrichten (English)",
    "https://www.autowelt-news.example/en/",
    "German car industry news \u2013 in English",
    "en",
    [
        (
            "Ford Explorer Electric price cut to \u20ac42,990 in Germany",
            "ford-explorer-electric-price-cut",
            "Wed, 18 Nov 2026 08:30:00 +0100",
            "The \u201cSelect\u201d trim is now \u20ac3,000 cheaper.",
        ),
        (
            "BYD\u2019s Szeged plant: \u201cOn schedule\u201d, says Europe chief",
            "byd-szeged-on-schedule",
            "Tue, 17 Nov 2026 14:00:00 +0100",
            "Stella Li rejected reports of a delay \u2026 again.",
        ),
        (
            "Xiaomi YU7 na\u00efve? Testers praise ride, criticise \u2018nervous\u2019 steering",
            "xiaomi-yu7-test",
            "Mon, 16 Nov 2026 11:15:00 +0100",
            "Our r\u00e9sum\u00e9 of the first European drives \u2014 verdict: promising.",
        ),
    ],
)

UTF8_BOM = enc_feed(
    "utf-8",
    "Asia Auto Digest",
    "https://asia-auto-digest.example/",
    "Daily digest \u2014 \u5c0f\u7c73, BYD, Ford & more".replace("&", "&amp;"),
    "en",
    [
        (
            "\u5c0f\u7c73 YU7 orders pass 300,000 \u2014 Xiaomi\u2019s biggest launch yet",
            "2026/11/18/xiaomi-yu7-orders",
            "Wed, 18 Nov 2026 02:00:00 +0000",
            "Lei Jun said on Weibo that deliveries will ramp in Q1.",
        ),
        (
            "BYD \u2018Seal 06 GT\u2019 pr\u00e9sent\u00e9e \u00e0 Paris: European debut confirmed",
            "2026/11/17/byd-seal-06-gt-paris",
            "Tue, 17 Nov 2026 16:00:00 +0000",
            "The hatchback will be built in Szeged.",
        ),
        (
            "Ford Otosan G\u00f6lc\u00fck plant hits 1 millionth Transit Custom",
            "2026/11/16/ford-otosan-golcuk-milestone",
            "Mon, 16 Nov 2026 09:30:00 +0000",
            "The milestone van is an E-Transit Custom for a Danish fleet.",
        ),
    ],
)

UTF16 = enc_feed(
    "utf-16",
    "\u6bd4\u4e9a\u8fea BYD Newsroom (English)",
    "https://news.byd-cn.example/en/",
    "Official news from \u6bd4\u4e9a\u8fea (BYD)",
    "en",
    [
        (
            "\u6bd4\u4e9a\u8fea BYD sold 502,113 new energy vehicles in October",
            "2026/11/01/october-sales",
            "Sun, 01 Nov 2026 18:00:00 +0800",
            "Overseas sales accounted for 26% of the total.",
        ),
        (
            "BYD and Ford deny reports of joint battery venture in M\u00e9xico",
            "2026/10/30/statement-mexico-battery",
            "Fri, 30 Oct 2026 21:00:00 +0800",
            "Both companies said no such discussions are taking place.",
        ),
        (
            "BYD\u2019s Xi\u2019an plant begins Blade Battery 2.0 production",
            "2026/10/28/xian-blade-2",
            "Wed, 28 Oct 2026 10:00:00 +0800",
            "Energy density rises to 190 Wh/kg at pack level.",
        ),
    ],
)

# --------------------------------------------------------------------------
# html_not_feed.html -- HTML served where a feed was expected
# --------------------------------------------------------------------------
HTML_NOT_FEED = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Newsroom | Xiaomi Global</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="alternate" type="application/rss+xml" title="Xiaomi Newsroom"
      href="https://www.xiaomi.example/global/newsroom/rss/">
<link rel="stylesheet" href="/global/static/css/newsroom.3c9f1e.css">
</head>
<body>
<header class="site-header">
  <a class="logo" href="/global/"><img src="/global/static/img/mi-logo.svg" alt="Xiaomi"></a>
  <nav><ul>
    <li><a href="/global/phones/">Phones</a></li>
    <li><a href="/global/ev/">Xiaomi EV</a></li>
    <li><a href="/global/smart-home/">Smart Home</a></li>
    <li><a href="/global/newsroom/">Newsroom</a></li>
  </ul></nav>
</header>
<main>
  <p class="notice">Our RSS feed has moved. You are being shown the Newsroom instead.</p>
  <h1>Newsroom</h1>
  <ul class="news-list">
    <li><a href="/global/newsroom/2026/11/xiaomi-q3-results/">Xiaomi announces Q3 2026 results</a>
        <time datetime="2026-11-18">Nov 18, 2026</time></li>
    <li><a href="/global/newsroom/2026/11/yu7-europe/">Xiaomi YU7 heads to Europe</a>
        <time datetime="2026-11-12">Nov 12, 2026</time></li>
  </ul>
</main>
<footer><p>&copy; 2026 Xiaomi. All rights reserved.</p></footer>
<script>window.__INITIAL_STATE__={"page":"newsroom","items":2};</script>
</body>
</html>
"""


# --------------------------------------------------------------------------
# billion_laughs.xml / external_entity.xml -- hostile DTDs
# --------------------------------------------------------------------------
def billion_laughs() -> str:
    ents = ['  <!ENTITY lol "lol">']
    prev = "lol"
    for i in range(1, 10):
        refs = f"&{prev};" * 10
        ents.append(f'  <!ENTITY lol{i} "{refs}">')
        prev = f"lol{i}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!DOCTYPE rss [\n" + "\n".join(ents) + "\n]>\n"
        '<rss version="2.0">\n'
        "<channel>\n"
        "<title>Ford Media Center</title>\n"
        "<link>https://media.ford.example/</link>\n"
        "<description>&lol9;</description>\n"
        "<item>\n"
        "<title>&lol9;</title>\n"
        "<link>https://media.ford.example/releases/2026/11/18/lol.html</link>\n"
        "<pubDate>Wed, 18 Nov 2026 08:00:00 +0000</pubDate>\n"
        "<description>&lol9;</description>\n"
        "</item>\n"
        "</channel>\n"
        "</rss>\n"
    )


EXTERNAL_ENTITY = """\
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE rss [
  <!ELEMENT rss ANY>
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<rss version="2.0">
<channel>
<title>BYD Investor News</title>
<link>https://ir.byd.example/en/</link>
<description>Announcements from BYD Company Limited</description>
<item>
<title>BYD Q3 2026 results &xxe;</title>
<link>https://ir.byd.example/en/news/2026/10/q3-results.html</link>
<pubDate>Thu, 29 Oct 2026 18:00:00 +0800</pubDate>
<guid>https://ir.byd.example/en/news/2026/10/q3-results.html</guid>
<description>Revenue and profit figures: &xxe;</description>
</item>
<item>
<title>BYD announces October 2026 production and sales volumes</title>
<link>https://ir.byd.example/en/news/2026/11/october-volumes.html</link>
<pubDate>Sun, 01 Nov 2026 17:30:00 +0800</pubDate>
<guid>https://ir.byd.example/en/news/2026/11/october-volumes.html</guid>
<description>New energy vehicle sales of 502,113 units.</description>
</item>
</channel>
</rss>
"""

# --------------------------------------------------------------------------
# huge_title.xml -- valid RSS, one item with a 10,000-character title
# --------------------------------------------------------------------------
HUGE_TITLE_LEN = 10_000


def huge_title() -> str:
    phrase = (
        "Ford, Xiaomi and BYD shares move after report on a three-way EV battery alliance "
        "that all three companies declined to comment on "
    )
    title = (phrase * (HUGE_TITLE_LEN // len(phrase) + 1))[:HUGE_TITLE_LEN]
    if title.endswith(" "):
        title = title[:-1] + "."
    # Must survive whitespace stripping/collapsing with its length intact.
    assert len(title) == HUGE_TITLE_LEN
    assert title == " ".join(title.split())
    return f"""\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>Markets Live Wire</title>
<link>https://marketswire.example/</link>
<description>Fast market headlines</description>
<item>
<title>{title}</title>
<link>https://marketswire.example/2026/11/18/ford-xiaomi-byd-alliance-report</link>
<pubDate>Wed, 18 Nov 2026 13:02:00 +0000</pubDate>
<guid>https://marketswire.example/2026/11/18/ford-xiaomi-byd-alliance-report</guid>
<description>Auto-generated market headline.</description>
</item>
<item>
<title>BYD shares close 2.1% higher in Hong Kong</title>
<link>https://marketswire.example/2026/11/18/byd-shares-close</link>
<pubDate>Wed, 18 Nov 2026 08:10:00 +0000</pubDate>
<guid>https://marketswire.example/2026/11/18/byd-shares-close</guid>
<description>The stock outperformed the Hang Seng, which rose 0.4%.</description>
</item>
</channel>
</rss>
"""


# --------------------------------------------------------------------------
# injection.xml -- valid RSS carrying Slack/markdown/HTML injection probes
# --------------------------------------------------------------------------
INJECTION = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>Totally Legit Auto News</title>
<link>https://legit-auto-news.example/</link>
<description>Headlines crafted to break chat formatting</description>
<item>
<title>Xiaomi statement &lt;!channel&gt; @here: SU7 recall expanded</title>
<link>https://legit-auto-news.example/2026/11/18/xiaomi-recall</link>
<pubDate>Wed, 18 Nov 2026 10:00:00 +0000</pubDate>
<guid>https://legit-auto-news.example/2026/11/18/xiaomi-recall</guid>
<description>&lt;!channel&gt; &lt;!everyone&gt; @here @channel &lt;@U024BE7LH&gt; please read \
immediately</description>
</item>
<item>
<title>Ford recall notice &lt;http://evil.example|click here&gt; to check your VIN</title>
<link>https://legit-auto-news.example/2026/11/18/ford-recall-vin</link>
<pubDate>Wed, 18 Nov 2026 09:00:00 +0000</pubDate>
<guid>https://legit-auto-news.example/2026/11/18/ford-recall-vin</guid>
<description>See &lt;http://evil.example|ford.com&gt; or \
&lt;https://evil.example/login|verify your account&gt;</description>
</item>
<item>
<title>&lt;script&gt;alert(1)&lt;/script&gt;BYD wins Euro NCAP safety award</title>
<link>https://legit-auto-news.example/2026/11/17/byd-ncap</link>
<pubDate>Tue, 17 Nov 2026 12:00:00 +0000</pubDate>
<guid>https://legit-auto-news.example/2026/11/17/byd-ncap</guid>
<description><![CDATA[<p>BYD <script>alert(1)</script><img src="x" onerror="alert(2)">\
 scored five stars.</p>]]></description>
</item>
<item>
<title>BYD &amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt; claims about range</title>
<link>https://legit-auto-news.example/2026/11/17/byd-range-claims</link>
<pubDate>Tue, 17 Nov 2026 08:00:00 +0000</pubDate>
<guid>https://legit-auto-news.example/2026/11/17/byd-range-claims</guid>
<description>Range claims &lt;b&gt;bold&lt;/b&gt; &amp;amp; &amp;lt;i&amp;gt;double-escaped\
&amp;lt;/i&amp;gt;</description>
</item>
<item>
<title>*bold* _it_ ~strike~ `code` Xiaomi cuts YU7 price</title>
<link>https://legit-auto-news.example/2026/11/16/xiaomi-yu7-price</link>
<pubDate>Mon, 16 Nov 2026 08:00:00 +0000</pubDate>
<guid>https://legit-auto-news.example/2026/11/16/xiaomi-yu7-price</guid>
<description>*bold* _it_ ~strike~ `code` ```block``` &gt; quote [click](http://evil.example)\
</description>
</item>
<item>
<title>Ford statement on BYD talks</title>
<link>javascript:alert(document.cookie)</link>
<pubDate>Mon, 16 Nov 2026 07:00:00 +0000</pubDate>
<guid isPermaLink="false">legit-auto-news-4471</guid>
<description>Link uses the javascript: scheme.</description>
</item>
</channel>
</rss>
"""

# --------------------------------------------------------------------------
# absurd_dates.xml
# --------------------------------------------------------------------------
ABSURD_DATES = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>Fleet &amp; Mobility Weekly</title>
<link>https://fleetweekly.example/</link>
<description>Fleet management news</description>
<lastBuildDate>Wed, 18 Nov 2026 12:00:00 +0000</lastBuildDate>
<item>
<title>Archive: BYD e6 taxi fleet review</title>
<link>https://fleetweekly.example/archive/byd-e6-taxi-review</link>
<pubDate>Thu, 01 Jan 1970 00:00:00 +0000</pubDate>
<guid>https://fleetweekly.example/archive/byd-e6-taxi-review</guid>
<description>Date field lost in a CMS migration; shows as the Unix epoch.</description>
</item>
<item>
<title>Ford Pro announces 2027 fleet telematics pricing</title>
<link>https://fleetweekly.example/2026/11/ford-pro-telematics-2027</link>
<pubDate>Tue, 01 Dec 2099 00:00:00 GMT</pubDate>
<guid>https://fleetweekly.example/2026/11/ford-pro-telematics-2027</guid>
<description>Placeholder "embargo" date left in by the publisher.</description>
</item>
<item>
<title>Xiaomi EV fleet sales programme opens to businesses</title>
<link>https://fleetweekly.example/2026/11/xiaomi-fleet-programme</link>
<pubDate>Thu, 32 Nov 2026 25:61:00 +0000</pubDate>
<guid>https://fleetweekly.example/2026/11/xiaomi-fleet-programme</guid>
<description>Impossible day, hour and minute.</description>
</item>
<item>
<title>BYD and Ayvens sign 5,000-vehicle leasing deal</title>
<link>https://fleetweekly.example/2026/11/byd-ayvens-leasing</link>
<pubDate>Wed, 18 Nov 2026 09:15:00 +0000</pubDate>
<guid>https://fleetweekly.example/2026/11/byd-ayvens-leasing</guid>
<description>A normal, well-formed date.</description>
</item>
</channel>
</rss>
"""


def main() -> None:
    write_text("rss20.xml", RSS20)
    write_text("atom.xml", ATOM)
    write_text("rss10_rdf.xml", RSS10)
    write_text("rss091.xml", RSS091, "iso-8859-1")
    write_text("jsonfeed.json", json.dumps(JSONFEED, ensure_ascii=False, indent=2) + "\n")
    write_text("google_news.xml", google_news())
    write_text("malformed.xml", MALFORMED)
    write_text("wrong_charset.xml", WRONG_CHARSET, "cp1252")
    write_text("cp1252.xml", CP1252, "cp1252")
    write("utf8_bom.xml", b"\xef\xbb\xbf" + UTF8_BOM.encode("utf-8"))
    write("utf16.xml", b"\xff\xfe" + UTF16.encode("utf-16-le"))
    write_text("html_not_feed.html", HTML_NOT_FEED)
    write("binary.bin", random.Random(1810).randbytes(4096))
    write("empty.xml", b"")
    write_text("billion_laughs.xml", billion_laughs())
    write_text("external_entity.xml", EXTERNAL_ENTITY)
    write_text("huge_title.xml", huge_title())
    write_text("injection.xml", INJECTION)
    write_text("absurd_dates.xml", ABSURD_DATES)


if __name__ == "__main__":
    main()
