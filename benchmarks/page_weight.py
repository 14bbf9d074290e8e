"""Where a page's bytes go: a byte breakdown of built pages by region (#16).

    python benchmarks/page_weight.py SITE/units/*/index.html
    python benchmarks/page_weight.py SITE/practices/*/index.html

Prints the mean size of each part of Material's page (head, header and its
search dialog and palette form, tabs, the navigation sidebar, the table of
contents, breadcrumb, article and its tables, footer), all inline SVG, all
white space between tags, and the total, in KiB over the pages given. Parts
overlap (the header holds the search dialog): they are not meant to add up.
Offsets come from html.parser; nothing is rendered.

The search dialog, the colour-scheme form and a record page's sidebar are
not in the page file but put in place by a shared script (generator/chrome.py,
navmemo.py): they count 0 here, and "shared chrome references" is what the
page holds for them (with the tags of the theme's inline scripts moved to
files). With --expand each such script is replaced by the HTML
it inserts first: the page as a reader's browser holds it.
"""
import json, os, sys, re
from html.parser import HTMLParser

VOID = {"area","base","br","col","embed","hr","img","input","link","meta","source","track","wbr"}
class P(HTMLParser):
    def __init__(s, text):
        super().__init__(convert_charrefs=False); s.text=text; s.stack=[]; s.spans=[]
        s.lines=[0]
        for m in re.finditer("\n", text): s.lines.append(m.end())
    def pos(s):
        l,c=s.getpos(); return s.lines[l-1]+c
    def handle_starttag(s, tag, attrs):
        if tag in VOID: 
            s.spans.append((tag, dict(attrs), s.pos(), s.pos()+len(s.get_starttag_text()), len(s.stack))); return
        s.stack.append((tag, dict(attrs), s.pos()))
    def handle_startendtag(s, tag, attrs):
        s.spans.append((tag, dict(attrs), s.pos(), s.pos()+len(s.get_starttag_text()), len(s.stack)))
    def handle_endtag(s, tag):
        for i in range(len(s.stack)-1,-1,-1):
            if s.stack[i][0]==tag:
                t,a,st=s.stack[i]; del s.stack[i:]
                end=s.text.index(">", s.pos())+1
                s.spans.append((t,a,st,end,i)); return

def regions(text):
    p=P(text); p.feed(text)
    b=lambda s: len(text[s[2]:s[3]].encode())
    out={}
    def first(pred):
        return next((s for s in p.spans if pred(s)), None)
    cls=lambda s: s[1].get("class") or ""
    sel={
      "head": lambda s: s[0]=="head",
      "header": lambda s: s[0]=="header" and "md-header" in cls(s),
      " header: search dialog": lambda s: "md-search" == cls(s),
      " header: palette form": lambda s: s[0]=="form" and "md-header__option" in cls(s),
      " header: repo source": lambda s: "md-header__source" in cls(s),
      "tabs": lambda s: s[0]=="nav" and "md-tabs" in cls(s),
      "sidebar primary (nav)": lambda s: "md-sidebar--primary" in cls(s),
      "sidebar secondary (toc)": lambda s: "md-sidebar--secondary" in cls(s),
      "breadcrumb": lambda s: s[0]=="nav" and "md-path" in cls(s),
      "article": lambda s: s[0]=="article",
      "footer": lambda s: s[0]=="footer",
      "back-to-top": lambda s: "md-top" in cls(s),
    }
    for k,f in sel.items():
        s=first(f); out[k]=b(s) if s else 0
    # article sub-parts
    art=first(sel["article"])
    if art:
        tabs=[s for s in p.spans if s[0]=="table" and art[2]<=s[2]<art[3]]
        out[" article: tables"]=sum(b(s) for s in tabs if not any(o is not s and o[0]=="table" and o[2]<s[2] and s[3]<=o[3] for o in tabs))
        out[" article: img"]=sum(b(s) for s in p.spans if s[0]=="img" and art[2]<=s[2]<art[3])
    # scripts after body content
    out["script tags"]=sum(b(s) for s in p.spans if s[0]=="script")
    out["shared chrome references"]=sum(len(m.group(0).encode()) for m in INSERTING.finditer(text))
    out["inline svg (all)"]=sum(b(s) for s in p.spans if s[0]=="svg")
    out["whitespace between tags (all)"]=sum(len(m.group(1)) for m in re.finditer(r">(\s+)<", text))
    out["total"]=len(text.encode())
    return out

INSERTING = re.compile(r'<script src="([^"]*assets/javascripts/jingyan-[a-z]+-[0-9a-f]{10}\.js)"></script>')


def expand(text, page):
    """`text` with each inserting script replaced by the HTML it inserts."""
    def insert(m):
        js = open(os.path.join(os.path.dirname(page), m.group(1)), encoding="utf-8").read()
        if not js.startswith("(function(s){s.insertAdjacentHTML("):
            return m.group(0)                      # a moved inline script, not an inserted part
        return json.loads(js[js.index(",") + 1:js.rindex(");s.remove()")])
    return INSERTING.sub(insert, text)


if __name__=="__main__":
    args=sys.argv[1:]
    grow="--expand" in args
    files=[f for f in args if f!="--expand"]
    res=[]
    for f in files:
        text=open(f,encoding="utf-8").read()
        res.append(regions(expand(text, f) if grow else text))
    for k in res[0]:
        vals=[r[k] for r in res]
        print(f"{k:34s} {sum(vals)/len(vals)/1024:8.2f} KiB")
