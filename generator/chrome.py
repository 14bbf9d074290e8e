"""Material's chrome, referenced once instead of repeated on every page (#16).

Every page of a province site (about 9,400) carried the same bytes in its
header and footer: about 2.7 KiB of inline SVG icons (logo twice, menu,
palette toggles, search, back to top) and about 0.9 KiB of inline scripts
that never change (the palette restore, the tab-anchor fix). `Shared` wraps
the theme's loader so that
  - an icon (`{% include ".icons/….svg" %}`) becomes the same `<svg>` start
    tag with nothing inside, `class="jy-i jy-i--<name>"`: the element, its
    attributes, its viewBox and so its box stay; what it draws comes from one
    stylesheet (`assets/stylesheets/jingyan-icons.css`, written after the
    pages) as a mask filled with the text colour, exactly as Material draws
    its own CSS icons (navigation arrows, admonitions). Data URLs, so it
    works from file:// too; printed even when the browser leaves out
    backgrounds; kept in forced-colours (high-contrast) mode;
  - a `<script>` whose body holds no template code becomes
    `<script src=".../jingyan-inline-<hash>.js">`: a synchronous script at
    the same place runs at the same moment, and the file name changes with
    its content (browsers may cache it forever).
  - the parts of the header only a script can use, the search dialog and
    the colour-scheme form (without JavaScript the dialog never finds
    anything and the form's buttons stay `hidden`), become one
    `<script src>` that puts the very same HTML in its own place while the
    page is parsed, before the first paint and before Material's scripts
    look for them; the files are named by their content, so a page whose
    part differs gets its own.
Only the theme's own templates pass through here; page content never does.
"""
from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from pathlib import Path

import jinja2

from . import recycle

ICON_CSS = "assets/stylesheets/jingyan-icons.css"
SCRIPT_DIR = "assets/javascripts"
_ICON = re.compile(r"^\.icons/([A-Za-z0-9_./-]+)\.svg$")
_SVG_START = re.compile(r"<svg\b[^>]*>", re.S)
_XMLNS = re.compile(r'\s+xmlns="http://www\.w3\.org/2000/svg"')
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# an inline script with no attributes and no template code in it
# theme partials whose HTML only scripts use: inserted by a shared script
INSERTED = ("partials/search.html", "partials/palette.html")
ORIGINAL = "jingyan-shared/"  # + a name in INSERTED: the theme's own template
_STATIC_SCRIPT = re.compile(r"<script>((?:(?!</script>|\{\{|\{%|\{#).)+)</script>", re.S)

ICON_RULE = (
    # the shape as a mask over the text colour: what `fill: currentcolor` did
    "svg.jy-i{background-color:currentcolor;"
    "-webkit-mask-repeat:no-repeat;mask-repeat:no-repeat;"
    "-webkit-mask-position:center;mask-position:center;"
    # an SVG's default preserveAspectRatio (xMidYMid meet)
    "-webkit-mask-size:contain;mask-size:contain;"
    # a background would be left out of print, and replaced in forced colours
    "-webkit-print-color-adjust:exact;print-color-adjust:exact;forced-color-adjust:none}"
)


def icon_class(name: str) -> str:
    return "jy-i--" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def icon_stub(svg: str, name: str) -> str:
    """The icon's own `<svg …>` start tag, with our classes, and nothing inside."""
    m = _SVG_START.search(svg)
    if m is None:
        raise ValueError(f"not an SVG icon: {name}")
    start = _XMLNS.sub("", m.group(0))
    cls = f"jy-i {icon_class(name)}"
    if re.search(r'\sclass="', start):
        start = re.sub(r'\sclass="', f' class="{cls} ', start, count=1)
    else:
        start = start[:4] + f' class="{cls}"' + start[4:]
    return start + "</svg>"


def data_url(svg: str) -> str:
    """`svg` as a CSS url(): single quotes inside, the few characters a URL needs escaped."""
    svg = _COMMENT.sub("", svg).strip().replace('"', "'")
    if "xmlns=" not in svg:  # an image needs its namespace, inline SVG does not
        svg = svg.replace("<svg", "<svg xmlns='http://www.w3.org/2000/svg'", 1)
    for ch, esc in (("%", "%25"), ("#", "%23"), ("\n", "%0A"), ("\r", ""), ("\t", " ")):
        svg = svg.replace(ch, esc)
    return f'url("data:image/svg+xml;charset=utf-8,{svg}")'


def icon_css(icons: dict[str, str]) -> str:
    """The stylesheet for `icons` (name → SVG source), in name order (byte-identical builds)."""
    lines = [ICON_RULE]
    for name in sorted(icons):
        url = data_url(icons[name])
        lines.append(f".{icon_class(name)}{{-webkit-mask-image:{url};mask-image:{url}}}")
    return "\n".join(lines) + "\n"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def script_name(body: str) -> str:
    return f"{SCRIPT_DIR}/jingyan-inline-{_digest(body)}.js"


def inserting_script(html: str) -> str:
    """A script that puts `html` where the script element is, then removes itself."""
    literal = json.dumps(html, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f'(function(s){{s.insertAdjacentHTML("beforebegin",{literal});s.remove()}})(document.currentScript);\n'


class SharedLoader(jinja2.BaseLoader):
    """`inner` with icons as empty `<svg>` elements and static inline scripts as files."""

    def __init__(self, inner: jinja2.BaseLoader, shared: "Shared"):
        self.inner = inner
        self.shared = shared

    def get_source(self, environment, template):
        if template in INSERTED:
            return ("<script src=\"{{ jingyan_inserted(%r) | url }}\"></script>" % template,
                    None, lambda: True)
        if template.startswith(ORIGINAL):
            template = template[len(ORIGINAL):]
        source, filename, uptodate = self.inner.get_source(environment, template)
        m = _ICON.match(template)
        if m:
            self.shared.icons[m.group(1)] = source
            return icon_stub(source, m.group(1)), filename, uptodate
        return self.shared.externalise(source), filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


class Shared:
    """What the pages of one build reference instead of repeating: icons and scripts."""

    def __init__(self):
        self.icons: dict[str, str] = {}
        self.moved: dict[str, str] = {}     # file name → an inline script's body, as compiled
        self.scripts: dict[str, str] = {}   # file name → text, of scripts pages refer to

    def externalise(self, source: str) -> str:
        def repl(m: re.Match) -> str:
            name = script_name(m.group(1))
            self.moved[name] = m.group(1)
            return "<script src=\"{{ jingyan_moved('" + name + "') | url }}\"></script>"
        return _STATIC_SCRIPT.sub(repl, source)

    def used(self, name: str) -> str:
        """A moved script a page refers to: written with the site (not those of
        templates compiled but never shown, like a consent banner's)."""
        self.scripts[name] = self.moved[name]
        return name

    @jinja2.pass_context
    def inserted(self, ctx, name: str) -> str:
        """Render the theme's `name` for this page; the site path of the script that inserts it."""
        html = ctx.environment.get_template(ORIGINAL + name).render(ctx.get_all())
        return self.inserting(html, posixpath.basename(name)[:-5])

    def inserting(self, html: str, stem: str) -> str:
        """The site path of a script that inserts `html` (one file for equal HTML)."""
        text = inserting_script(html)
        path = f"{SCRIPT_DIR}/jingyan-{stem}-{_digest(text)}.js"
        self.scripts[path] = text
        return path

    def files(self) -> dict[str, str]:
        """Site path → text of every shared file this build's pages use."""
        out = dict(self.scripts)
        if self.icons:
            out[ICON_CSS] = icon_css(self.icons)
        return out

    def write(self, site_dir: Path) -> int:
        """Write the shared files into the built site (recycle.write: an
        unchanged file in the site before last is touched, so it is kept)."""
        n = 0
        for rel, text in sorted(self.files().items()):
            recycle.write(os.path.join(site_dir, rel), text.encode("utf-8"))
            n += 1
        return n


def install(env: jinja2.Environment) -> Shared:
    """Route `env`'s templates through a new `Shared` (one per build)."""
    shared = Shared()
    env.loader = SharedLoader(env.loader, shared)
    env.globals["jingyan_inserted"] = shared.inserted
    env.globals["jingyan_moved"] = shared.used
    env.globals["jingyan_shared"] = shared          # generator/navmemo.py shares sidebars through it
    # __config's strings as UTF-8, not \\uXXXX (Material's `tojson`; still
    # HTML-safe: tojson escapes < > & ' whatever the policy)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False, "separators": (",", ":")}
    return shared
