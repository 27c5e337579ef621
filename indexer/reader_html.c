/*
 * reader_html.c - one news article per HTML page, parsed with libxml2's
 * forgiving HTML parser (htmlCtxtReadMemory with RECOVER, no network, no
 * error output), the same parser xsltproc and many scrapers rely on.
 *
 * Metadata, first found wins, in this order:
 *  title    og:title, twitter:title, <title>, JSON-LD headline, first <h1>
 *  date     article:published_time and the other meta dates (meta_dates),
 *           JSON-LD datePublished, the first <time datetime>, then a
 *           dateline at the start of one of the first paragraphs
 *           ("22 mai 2012. - ..."), then the file's mtime
 *  byline   article:author / author / dc.creator (not URLs), JSON-LD author
 *  source   og:site_name, JSON-LD publisher
 *  url      og:url, <link rel=canonical>, JSON-LD url
 *  lang     <html lang>, og:locale, content-language, JSON-LD inLanguage
 *  section  article:section, JSON-LD articleSection; tags: article:tag,
 *           news_keywords / keywords
 * The body is the text of the first <article>, else <main>, else <body>,
 * without script, style, nav, header, footer, aside, form, noscript,
 * figure and the like, nor comments; block elements are paragraphs,
 * separated by blank lines; an <h1> repeating the title is left out.
 *
 * Encoding: a page that declares no charset, or UTF-8, is sanitized to
 * UTF-8 first (counting bad bytes) and parsed as UTF-8 with the internal
 * hint ignored; a page declaring another charset (windows-1252, koi8-r...)
 * is converted by libxml2; a page declared Latin-1 by the caller is
 * converted by lede. libxml2 keeps a little global state, initialised on
 * first use; lede never calls xmlCleanupParser (the host may use libxml2
 * too).
 */
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "reader.h"

/* Where the charset declaration is looked for (HTML5 says the first 1024
 * bytes; old pages put it later in a long <head>). */
#define HTML_CHARSET_SCAN_BYTES 4096
/* Paragraphs searched for a dateline when the page has no date metadata. */
#define HTML_DATELINE_PARAGRAPHS 3
/* A place name between the date and the dash ("22 août 2012, Espagne. -"). */
#define HTML_PLACE_MAX_BYTES 48
/* libxml2 stops parsing at this depth of nesting (xmlParserMaxDepth)
 * unless given XML_PARSE_HUGE, and what follows is lost: the article's
 * text, often the deepest part of a page, and everything after it. Old
 * pages reach it with tags never closed (a <font> per paragraph). */
#define HTML_PARSER_MAX_DEPTH 256
/* A page with at most this many '<' is parsed without that limit. The
 * limit bounds libxml2's recovery from stray end tags, which scans the
 * stack of open elements for each one (depth x tags: 10,000 nested
 * elements and 10,000 stray end tags take 0.2 s, 25,000 of each 1.3 s);
 * a bigger page keeps the limit and is reported when it reaches it. */
#define HTML_DEEP_MAX_TAGS 20000

static const char *const skip_elements[] = {
    "script",	"style",  "nav",    "header", "footer", "aside",    "form",
    "noscript", "iframe", "svg",    "button", "select", "template", "object",
    "embed",	"canvas", "figure", "menu",   "dialog", "head",	    "textarea",
};

static const char *const block_elements[] = {
    "p",  "div",     "h1",	   "h2",  "h3",	     "h4",	"h5",
    "h6", "li",	     "ul",	   "ol",  "dl",	     "dt",	"dd",
    "tr", "table",   "blockquote", "pre", "section", "article", "main",
    "hr", "address", "figcaption", "td",  "th",	     "details", "summary",
};

/* Meta names (name=, property= or itemprop=) giving a publication date. */
static const char *const meta_dates[] = {
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "original-publish-date",
    "article.published",
};

typedef struct html_ctx {
	reader_run *r;
	reader_article *a;
	buf title_meta; /* og:title */
	buf title_tag;	/* <title> */
	buf title_h1;	/* first <h1> */
	buf title_ld;	/* JSON-LD headline */
	buf date_meta;
	int date_meta_rank; /* index in meta_dates of date_meta */
	buf time_attr;	    /* first <time datetime> */
	buf url_og, url_canon;
	buf lang_meta;
	buf text;   /* scratch */
	json_t *ld; /* JSON-LD Article object (owned by ld_root) */
	json_t *ld_root;
} html_ctx;

static int in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (strcasecmp(name, list[k]) == 0)
			return 1;
	return 0;
}

static int is_named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->name != NULL &&
	       strcasecmp((const char *)n->name, name) == 0;
}

/* Attribute value, or NULL; the caller frees with xmlFree. */
static char *attr(const xmlNode *n, const char *name)
{
	return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static void set_once(buf *b, const char *s)
{
	size_t n;

	if (s == NULL || b->len > 0)
		return;
	n = strlen(s);
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++, n--;
	buf_append(b, s, n);
}

/* Plain text of a node's subtree (for <title>, <h1>). */
static void node_text(buf *out, xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent(n);

	if (t != NULL) {
		buf_append_str(out, (const char *)t);
		xmlFree(t);
	}
}

static void split_tags(reader_article *a, const char *s)
{
	size_t from = 0, n = strlen(s);

	for (size_t k = 0; k <= n; k++) {
		if (k == n || s[k] == ',' || s[k] == ';') {
			reader_article_add_tag(a, s + from, k - from);
			from = k + 1;
		}
	}
}

static int looks_like_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 ||
	       strncasecmp(s, "https://", 8) == 0 || s[0] == '/';
}

static void on_meta(html_ctx *c, xmlNode *n)
{
	reader_article *a = c->a;
	char *key = attr(n, "property");
	char *content = attr(n, "content");

	if (key == NULL)
		key = attr(n, "name");
	if (key == NULL)
		key = attr(n, "itemprop");
	if (key == NULL) {
		char *he = attr(n, "http-equiv");

		if (he != NULL && strcasecmp(he, "content-language") == 0)
			set_once(&c->lang_meta, content);
		xmlFree(he);
		goto out;
	}
	if (content == NULL)
		goto out;
	if (strcasecmp(key, "og:title") == 0 ||
	    strcasecmp(key, "twitter:title") == 0) {
		set_once(&c->title_meta, content);
	} else if (strcasecmp(key, "og:url") == 0) {
		set_once(&c->url_og, content);
	} else if (strcasecmp(key, "og:site_name") == 0) {
		set_once(&a->source, content);
	} else if (strcasecmp(key, "og:locale") == 0) {
		set_once(&c->lang_meta, content);
	} else if (strcasecmp(key, "article:author") == 0 ||
		   strcasecmp(key, "author") == 0 ||
		   strcasecmp(key, "dc.creator") == 0 ||
		   strcasecmp(key, "byl") == 0) {
		if (!looks_like_url(content) && a->byline.len == 0) {
			const char *s = content;

			if (strncasecmp(s, "by ", 3) == 0)
				s += 3;
			set_once(&a->byline, s);
		}
	} else if (strcasecmp(key, "article:section") == 0 ||
		   strcasecmp(key, "section") == 0) {
		set_once(&a->section, content);
	} else if (strcasecmp(key, "article:tag") == 0) {
		split_tags(a, content);
	} else if (strcasecmp(key, "news_keywords") == 0 ||
		   strcasecmp(key, "keywords") == 0) {
		split_tags(a, content);
	} else {
		for (size_t k = 0; k < sizeof meta_dates / sizeof meta_dates[0];
		     k++) {
			if (strcasecmp(key, meta_dates[k]) == 0 &&
			    (c->date_meta.len == 0 ||
			     (int)k < c->date_meta_rank)) {
				buf_reset(&c->date_meta);
				buf_append_str(&c->date_meta, content);
				c->date_meta_rank = (int)k;
			}
		}
	}
out:
	xmlFree(key);
	xmlFree(content);
}

/* JSON-LD: the first object whose @type names an Article (or that has a
 * datePublished), searched in arrays and @graph. */
static json_t *ld_article(json_t *v, int depth)
{
	if (depth > 4 || v == NULL)
		return NULL;
	if (json_is_array(v)) {
		size_t i;
		json_t *x, *f;

		json_array_foreach(v, i, x)
		{
			f = ld_article(x, depth + 1);
			if (f != NULL)
				return f;
		}
		return NULL;
	}
	if (!json_is_object(v))
		return NULL;
	{
		json_t *t = json_object_get(v, "@type");
		const char *ts = json_is_string(t) ? json_string_value(t) : "";

		if (json_is_array(t) && json_is_string(json_array_get(t, 0)))
			ts = json_string_value(json_array_get(t, 0));
		if (strstr(ts, "Article") != NULL ||
		    strstr(ts, "Posting") != NULL ||
		    json_object_get(v, "datePublished") != NULL)
			return v;
	}
	return ld_article(json_object_get(v, "@graph"), depth + 1);
}

static void on_ld_json(html_ctx *c, xmlNode *n)
{
	xmlChar *t;
	json_t *root;

	if (c->ld != NULL)
		return;
	t = xmlNodeGetContent(n);
	if (t == NULL)
		return;
	root = json_loads((const char *)t, 0, NULL);
	xmlFree(t);
	if (root == NULL)
		return;
	c->ld = ld_article(root, 0);
	if (c->ld == NULL)
		json_decref(root);
	else
		c->ld_root = root;
}

/* Text of a JSON-LD value: a string, {"name": ...}, or an array of those
 * joined with "; ". */
static void ld_text(buf *out, json_t *v)
{
	if (json_is_string(v)) {
		buf_append_str(out, json_string_value(v));
	} else if (json_is_object(v)) {
		ld_text(out, json_object_get(v, "name"));
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;

		json_array_foreach(v, i, x)
		{
			if (out->len > 0)
				buf_append(out, "; ", 2);
			ld_text(out, x);
		}
	}
}

/* First pass: metadata from the whole document (head and body). */
static void scan_meta(html_ctx *c, xmlNode *root)
{
	xmlNode *n = root;

	while (n != NULL) {
		int descend = 1;

		if (n->type == XML_ELEMENT_NODE) {
			if (is_named(n, "html")) {
				char *lang = attr(n, "lang");

				if (lang == NULL)
					lang = attr(n, "xml:lang");
				set_once(&c->a->lang, lang);
				xmlFree(lang);
			} else if (is_named(n, "meta")) {
				on_meta(c, n);
			} else if (is_named(n, "link")) {
				char *rel = attr(n, "rel"),
				     *href = attr(n, "href");

				if (rel != NULL &&
				    strcasecmp(rel, "canonical") == 0)
					set_once(&c->url_canon, href);
				xmlFree(rel);
				xmlFree(href);
			} else if (is_named(n, "title")) {
				if (c->title_tag.len == 0)
					node_text(&c->title_tag, n);
				descend = 0;
			} else if (is_named(n, "h1")) {
				if (c->title_h1.len == 0)
					node_text(&c->title_h1, n);
			} else if (is_named(n, "time")) {
				char *dt = attr(n, "datetime");

				set_once(&c->time_attr, dt);
				xmlFree(dt);
			} else if (is_named(n, "script")) {
				char *type = attr(n, "type");

				if (type != NULL &&
				    strcasecmp(type, "application/ld+json") ==
					0)
					on_ld_json(c, n);
				xmlFree(type);
				descend = 0;
			} else if (is_named(n, "style")) {
				descend = 0;
			}
		}
		/* Iterative pre-order walk: no recursion on deep pages. */
		if (descend && n->children != NULL) {
			n = n->children;
			continue;
		}
		while (n != NULL && n->next == NULL && n != root)
			n = n->parent;
		if (n == NULL || n == root)
			break;
		n = n->next;
	}
}

/* The element whose text is the article. */
static xmlNode *find_first(xmlNode *root, const char *name)
{
	xmlNode *n = root;

	while (n != NULL) {
		int skip =
		    n->type == XML_ELEMENT_NODE &&
		    in_list((const char *)n->name, skip_elements,
			    sizeof skip_elements / sizeof skip_elements[0]);

		if (is_named(n, name))
			return n;
		if (!skip && n->children != NULL) {
			n = n->children;
			continue;
		}
		while (n != NULL && n->next == NULL && n != root)
			n = n->parent;
		if (n == NULL || n == root)
			break;
		n = n->next;
	}
	return NULL;
}

typedef struct text_out {
	buf *b;
	int space; /* a blank is pending */
	int brk;   /* 0, 1 (line) or 2 (paragraph) break pending */
} text_out;

static void out_break(text_out *o, int kind)
{
	if (o->brk < kind)
		o->brk = kind;
	o->space = 0;
}

/* Appends text with HTML whitespace rules: runs of blanks are one space. */
static void out_text(text_out *o, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
		    ch == '\f') {
			o->space = 1;
			continue;
		}
		if (o->b->len > 0) {
			if (o->brk)
				buf_append(o->b, "\n\n", (size_t)o->brk);
			else if (o->space)
				buf_append_byte(o->b, ' ');
		}
		o->brk = 0;
		o->space = 0;
		buf_append_byte(o->b, ch);
	}
}

static int same_text(const char *a, size_t al, const buf *b)
{
	/* Compare ignoring surrounding blanks. */
	while (al > 0 && (*a == ' ' || *a == '\n' || *a == '\t' || *a == '\r'))
		a++, al--;
	while (al > 0 && (a[al - 1] == ' ' || a[al - 1] == '\n' ||
			  a[al - 1] == '\t' || a[al - 1] == '\r'))
		al--;
	return b->len > 0 && al == b->len && memcmp(a, b->data, al) == 0;
}

/* Second pass: the body text of root's subtree. */
static void body_text(html_ctx *c, xmlNode *root, buf *out)
{
	text_out o = {out, 0, 0};
	xmlNode *n = root->children;

	while (n != NULL) {
		int descend = 0;

		if (n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) {
			if (n->content != NULL)
				out_text(&o, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE && n->name != NULL) {
			const char *name = (const char *)n->name;

			if (in_list(name, skip_elements,
				    sizeof skip_elements /
					sizeof skip_elements[0])) {
				descend = 0;
			} else if (strcasecmp(name, "br") == 0) {
				out_break(&o, 1);
			} else if (strcasecmp(name, "h1") == 0 &&
				   c->a->title.len > 0) {
				buf_reset(&c->text);
				node_text(&c->text, n);
				descend =
				    !same_text(c->text.data ? c->text.data : "",
					       c->text.len, &c->a->title);
				if (descend)
					out_break(&o, 2);
			} else {
				if (in_list(name, block_elements,
					    sizeof block_elements /
						sizeof block_elements[0]))
					out_break(&o, 2);
				descend = 1;
			}
		}
		if (descend && n->children != NULL) {
			n = n->children;
			continue;
		}
		/* Leaving n (and parents without a next sibling). */
		for (;;) {
			if (n->type == XML_ELEMENT_NODE && n->name != NULL &&
			    in_list((const char *)n->name, block_elements,
				    sizeof block_elements /
					sizeof block_elements[0]))
				out_break(&o, 2);
			if (n->next != NULL) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (n == NULL || n == root) {
				n = NULL;
				break;
			}
		}
	}
}

/* A date at the start of one of the first paragraphs, followed by a dash,
 * a period or the end of the paragraph. */
static void body_dateline(reader_article *a)
{
	const char *s = a->body.data;
	size_t len = a->body.len, p = 0;

	for (int k = 0; k < HTML_DATELINE_PARAGRAPHS && p < len; k++) {
		const char *e = strstr(s + p, "\n\n");
		size_t pe = e ? (size_t)(e - s) : len, n, i;
		int64_t t;
		date_note note;

		n = date_scan_note(&t, s + p, pe - p, &note);
		if (n > 0) {
			i = p + n;
			/* "22 août 2012, Espagne. - ": a place after the date
			 */
			if (i < pe && s[i] == ',') {
				size_t j = i + 1;

				while (j < pe && j - i < HTML_PLACE_MAX_BYTES &&
				       s[j] != '.' && s[j] != '-' &&
				       s[j] != ',')
					j++;
				if (j < pe && (s[j] == '.' || s[j] == '-'))
					i = j;
			}
			if (i < pe && s[i] == '.')
				i++;
			while (i < pe && s[i] == ' ')
				i++;
			if (i == pe || s[i] == '-' ||
			    (pe - i >= 3 && (unsigned char)s[i] == 0xe2 &&
			     (unsigned char)s[i + 1] == 0x80 &&
			     ((unsigned char)s[i + 2] == 0x93 ||
			      (unsigned char)s[i + 2] == 0x94))) {
				a->date = t;
				buf_reset(&a->date_text);
				reader_article_zone(a, &note);
				return;
			}
		}
		if (e == NULL)
			break;
		p = pe + 2;
	}
}

/* The charset a page declares in its head, lowercased into cs ("" if
 * none). */
static void declared_charset(const char *s, size_t len, char *cs, size_t cap)
{
	size_t n =
	    len < HTML_CHARSET_SCAN_BYTES ? len : HTML_CHARSET_SCAN_BYTES;

	cs[0] = '\0';
	for (size_t i = 0; i + 8 < n; i++) {
		size_t j, k = 0;

		if (strncasecmp(s + i, "charset", 7) != 0)
			continue;
		j = i + 7;
		while (j < n && s[j] == ' ')
			j++;
		if (j >= n || s[j] != '=')
			continue;
		j++;
		while (j < n && (s[j] == ' ' || s[j] == '"' || s[j] == '\''))
			j++;
		while (j < n && k + 1 < cap &&
		       ((s[j] >= 'a' && s[j] <= 'z') ||
			(s[j] >= 'A' && s[j] <= 'Z') ||
			(s[j] >= '0' && s[j] <= '9') || s[j] == '-' ||
			s[j] == '_')) {
			char ch = s[j++];

			cs[k++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
		}
		cs[k] = '\0';
		return;
	}
}

static void ctx_free(html_ctx *c)
{
	buf *bs[] = {&c->title_meta, &c->title_tag, &c->title_h1, &c->title_ld,
		     &c->date_meta,  &c->time_attr, &c->url_og,	  &c->url_canon,
		     &c->lang_meta,  &c->text};

	for (size_t k = 0; k < sizeof bs / sizeof bs[0]; k++)
		buf_free(bs[k]);
	json_decref(c->ld_root);
}

static void first_of(buf *dst, buf *const *cands, size_t n)
{
	if (dst->len > 0)
		return;
	for (size_t k = 0; k < n; k++) {
		if (cands[k]->len > 0) {
			buf_append(dst, cands[k]->data, cands[k]->len);
			return;
		}
	}
}

/* 1 if s[0..len) holds at most max '<' (the tags, and a few more). */
static int tags_at_most(const char *s, size_t len, size_t max)
{
	const char *p = s, *end = s + len;
	size_t n = 0;

	while (p < end && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if (++n > max)
			return 0;
		p++;
	}
	return 1;
}

lede_status reader_html_run(reader_run *r)
{
	buf raw = BUF_INIT, utf8 = BUF_INIT;
	reader_article a;
	html_ctx c;
	htmlParserCtxtPtr parser = NULL;
	htmlDocPtr doc = NULL;
	xmlNode *root, *body;
	char cs[32];
	const char *enc = "UTF-8";
	int too_big, opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
			    HTML_PARSE_NOWARNING | HTML_PARSE_NONET;
	lede_status s;

	reader_article_init(&a);
	memset(&c, 0, sizeof c);
	c.r = r;
	c.a = &a;
	s = reader_stream_slurp(r->in, &raw, LEDE_MAX_ARTICLE_BYTES, &too_big);
	if (s != LEDE_OK)
		goto out;
	if (too_big) {
		reader_skip(r, r->name, LEDE_ERR_TOO_BIG,
			    "file over %u bytes: not an article; skipped",
			    LEDE_MAX_ARTICLE_BYTES);
		goto out;
	}
	declared_charset(raw.data ? raw.data : "", raw.len, cs, sizeof cs);
	if (r->opts->latin1 || cs[0] == '\0' || strcmp(cs, "utf-8") == 0 ||
	    strcmp(cs, "utf8") == 0 || strcmp(cs, "us-ascii") == 0) {
		s = reader_decode(r, &utf8, raw.data ? raw.data : "", raw.len,
				  &a.nbad);
		if (s != LEDE_OK)
			goto out;
		opts |= HTML_PARSE_IGNORE_ENC;
	} else {
		/* libxml2 converts the declared charset itself. */
		buf_append(&utf8, raw.data ? raw.data : "", raw.len);
		enc = NULL;
	}
	buf_free(&raw);
	if (utf8.status != LEDE_OK) {
		s = err_set(r->err, LEDE_ERR_NOMEM, "%s: out of memory",
			    r->name);
		goto out;
	}
	xmlInitParser();
	if (tags_at_most(utf8.data, utf8.len, HTML_DEEP_MAX_TAGS))
		opts |= XML_PARSE_HUGE;
	parser = htmlNewParserCtxt();
	if (parser == NULL) {
		s = err_set(r->err, LEDE_ERR_NOMEM, "%s: out of memory",
			    r->name);
		goto out;
	}
	doc = htmlCtxtReadMemory(parser, utf8.data ? utf8.data : "",
				 (int)utf8.len, NULL, enc, opts);
	/* A parse that stopped early (the nesting limit: it is the only
	 * stop in recovery mode but for memory) keeps what it read. */
	if (parser->errNo == XML_ERR_NO_MEMORY) {
		s = err_set(r->err, LEDE_ERR_NOMEM, "%s: out of memory",
			    r->name);
		goto out;
	}
	if (parser->disableSAX)
		reader_warn(r, r->name,
			    "HTML nested over %d levels in a page of over %d "
			    "tags: the rest of the page is not read",
			    HTML_PARSER_MAX_DEPTH, HTML_DEEP_MAX_TAGS);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (root == NULL) {
		reader_skip(r, r->name, LEDE_ERR_FORMAT,
			    "no HTML document found; skipped");
		goto out;
	}
	scan_meta(&c, root);
	if (c.ld != NULL) {
		ld_text(&c.title_ld, json_object_get(c.ld, "headline"));
		if (c.date_meta.len == 0)
			ld_text(&c.date_meta,
				json_object_get(c.ld, "datePublished"));
		if (a.byline.len == 0)
			ld_text(&a.byline, json_object_get(c.ld, "author"));
		if (a.source.len == 0)
			ld_text(&a.source, json_object_get(c.ld, "publisher"));
		if (a.section.len == 0)
			ld_text(&a.section,
				json_object_get(c.ld, "articleSection"));
		if (c.lang_meta.len == 0)
			ld_text(&c.lang_meta,
				json_object_get(c.ld, "inLanguage"));
		if (c.url_canon.len == 0)
			ld_text(&c.url_canon, json_object_get(c.ld, "url"));
	}
	{
		buf *titles[] = {&c.title_meta, &c.title_tag, &c.title_ld,
				 &c.title_h1};
		buf *urls[] = {&c.url_og, &c.url_canon};
		buf *langs[] = {&c.lang_meta};

		first_of(&a.title, titles, sizeof titles / sizeof titles[0]);
		first_of(&a.url, urls, sizeof urls / sizeof urls[0]);
		first_of(&a.lang, langs, 1);
	}
	/* The title is compared with <h1> below: clean it the same way
	 * (trimmed, blanks collapsed) as reader_emit will. */
	if (a.title.len > 0) {
		text_out o = {&c.text, 0, 0};

		buf_reset(&c.text);
		out_text(&o, a.title.data);
		buf_reset(&a.title);
		buf_append(&a.title, c.text.data ? c.text.data : "",
			   c.text.len);
	}
	if (c.date_meta.len > 0)
		reader_article_date(&a, c.date_meta.data, c.date_meta.len);
	/* reader_article_date keeps the first unparseable text for the
	 * warning and clears it when a later candidate parses. */
	if (a.date == LEDE_NO_DATE && c.time_attr.len > 0)
		reader_article_date(&a, c.time_attr.data, c.time_attr.len);

	body = find_first(root, "article");
	if (body == NULL)
		body = find_first(root, "main");
	if (body == NULL)
		body = find_first(root, "body");
	if (body == NULL)
		body = root;
	body_text(&c, body, &a.body);
	if (a.date == LEDE_NO_DATE)
		body_dateline(&a);
	if (a.body.status != LEDE_OK) {
		s = err_set(r->err, LEDE_ERR_NOMEM, "%s: out of memory",
			    r->name);
		goto out;
	}
	s = reader_emit(r, &a, r->name, r->id_base, 1);
out:
	if (doc != NULL)
		xmlFreeDoc(doc);
	if (parser != NULL)
		htmlFreeParserCtxt(parser);
	buf_free(&raw);
	buf_free(&utf8);
	ctx_free(&c);
	reader_article_free(&a);
	return s;
}

void reader_prepare_threads(void)
{
	/* libxml2's first initialisation is not thread-safe: do it on the
	 * calling thread before any worker parses HTML. */
	xmlInitParser();
}
