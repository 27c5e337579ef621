/*
 * xapian_c.cc - the thin extern "C" binding over libxapian 1.4; the only C++
 * in lede. See xapian_c.h for the contract.
 *
 * Rules that shaped it (shared/research/xapian.md):
 *  - No exception crosses into C. Every exported body is try { } catch (...)
 *    and the catch rethrows into map_exception(), which classifies most
 *    derived first and copies the message before the exception dies.
 *  - Terms are validated here, before Xapian sees them: in Xapian 1.4 one bad
 *    term thrown at add/commit time silently discards every uncommitted
 *    document (6.1).
 *  - No globals, no static Query::MatchAll (its refcount is not thread-safe).
 */
#include <xapian.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "xapian_c.h"

/* Writes status + message into a fixed buffer; never allocates, so it is
 * safe on the bad_alloc path. */
static lede_status set_err(char *dst, size_t cap, lede_status s,
                           const char *type, const char *msg)
{
	if (dst && cap)
		std::snprintf(dst, cap, "%s%s%s", type ? type : "",
		              type && *type ? ": " : "", msg ? msg : "");
	return s;
}

/* Classifies the exception being handled. Call only inside a catch block. */
static lede_status map_exception(char *dst, size_t cap)
{
	try {
		throw;
	} catch (const Xapian::DatabaseModifiedError &e) {
		return set_err(dst, cap, LEDE_ERR_STALE, e.get_type(), e.get_msg().c_str());
	} catch (const Xapian::DatabaseLockError &e) {
		return set_err(dst, cap, LEDE_ERR_LOCKED, e.get_type(), e.get_msg().c_str());
	} catch (const Xapian::DatabaseCorruptError &e) {
		return set_err(dst, cap, LEDE_ERR_CORRUPT, e.get_type(), e.get_msg().c_str());
	} catch (const Xapian::DatabaseVersionError &e) {
		return set_err(dst, cap, LEDE_ERR_VERSION, e.get_type(), e.get_msg().c_str());
	} catch (const Xapian::DatabaseNotFoundError &e) {
		return set_err(dst, cap, LEDE_ERR_NOT_FOUND, e.get_type(), e.get_msg().c_str());
	} catch (const Xapian::DatabaseOpeningError &e) {
		return set_err(dst, cap, LEDE_ERR_IO, e.get_type(), e.get_msg().c_str());
	} catch (const Xapian::DatabaseCreateError &e) {
		return set_err(dst, cap, LEDE_ERR_IO, e.get_type(), e.get_msg().c_str());
	} catch (const Xapian::DatabaseClosedError &e) {
		return set_err(dst, cap, LEDE_ERR_INVALID, e.get_type(), e.get_msg().c_str());
	} catch (const Xapian::DatabaseError &e) {
		std::string m = e.get_msg();
		if (e.get_error_string())
			m += std::string(" (") + e.get_error_string() + ")";
		return set_err(dst, cap, LEDE_ERR_IO, e.get_type(), m.c_str());
	} catch (const Xapian::DocNotFoundError &e) {
		return set_err(dst, cap, LEDE_ERR_NOT_FOUND, e.get_type(), e.get_msg().c_str());
	} catch (const Xapian::InvalidArgumentError &e) {
		return set_err(dst, cap, LEDE_ERR_INVALID, e.get_type(), e.get_msg().c_str());
	} catch (const Xapian::InvalidOperationError &e) {
		return set_err(dst, cap, LEDE_ERR_INVALID, e.get_type(), e.get_msg().c_str());
	} catch (const Xapian::UnimplementedError &e) {
		return set_err(dst, cap, LEDE_ERR_UNSUPPORTED, e.get_type(), e.get_msg().c_str());
	} catch (const Xapian::FeatureUnavailableError &e) {
		return set_err(dst, cap, LEDE_ERR_UNSUPPORTED, e.get_type(), e.get_msg().c_str());
	} catch (const Xapian::NetworkError &e) {
		return set_err(dst, cap, LEDE_ERR_NETWORK, e.get_type(), e.get_msg().c_str());
	} catch (const Xapian::WildcardError &e) {
		return set_err(dst, cap, LEDE_ERR_QUERY, e.get_type(), e.get_msg().c_str());
	} catch (const Xapian::QueryParserError &e) {
		return set_err(dst, cap, LEDE_ERR_QUERY, e.get_type(), e.get_msg().c_str());
	} catch (const Xapian::Error &e) {
		return set_err(dst, cap, LEDE_ERR_INTERNAL, e.get_type(), e.get_msg().c_str());
	} catch (const std::bad_alloc &) {
		return set_err(dst, cap, LEDE_ERR_NOMEM, "", "out of memory");
	} catch (const std::exception &e) {
		return set_err(dst, cap, LEDE_ERR_INTERNAL, "", e.what());
	} catch (...) {
		return set_err(dst, cap, LEDE_ERR_INTERNAL, "", "unknown exception");
	}
}

static lede_status fail_err(lede_err *err)
{
	char tmp[LEDE_ERRMSG_MAX];
	lede_status s = map_exception(tmp, sizeof tmp);
	if (err) {
		err->status = s;
		std::memcpy(err->msg, tmp, sizeof err->msg);
	}
	return s;
}

/* ---- stemming, values -------------------------------------------------- */

struct xc_stemmer {
	Xapian::Stem stem;
	std::string out;
};

extern "C" const char *xc_stem_languages(void)
{
	/* Xapian::Stem::get_available_languages() on 1.4.22; kept static so
	 * callers get a stable pointer. Checked against the library in the
	 * binding's tests. */
	return "arabic armenian basque catalan danish dutch earlyenglish "
	       "english finnish french german german2 hungarian indonesian "
	       "irish italian kraaij_pohlmann lithuanian lovins nepali "
	       "norwegian porter portuguese romanian russian spanish swedish "
	       "tamil turkish";
}

extern "C" lede_status xc_stemmer_new(xc_stemmer **out, const char *lang,
                                      lede_err *err)
{
	*out = nullptr;
	try {
		xc_stemmer *s = new xc_stemmer;
		try {
			s->stem = Xapian::Stem(lang);
		} catch (...) {
			delete s;
			throw;
		}
		*out = s;
		return LEDE_OK;
	} catch (const Xapian::InvalidArgumentError &) {
		return err_set(err, LEDE_ERR_INVALID,
		               "unknown language '%s'; available: none %s", lang,
		               xc_stem_languages());
	} catch (...) {
		return fail_err(err);
	}
}

extern "C" lede_status xc_stem(char *buf, size_t cap, size_t *out_len,
                               xc_stemmer *s, const char *word,
                               size_t len)
{
	try {
		s->out = s->stem(std::string(word, len));
		*out_len = s->out.size();
		if (s->out.size() > cap)
			return LEDE_ERR_TOO_BIG;
		std::memcpy(buf, s->out.data(), s->out.size());
		return LEDE_OK;
	} catch (...) {
		*out_len = 0;
		return map_exception(nullptr, 0);
	}
}

extern "C" void xc_stemmer_free(xc_stemmer *s)
{
	delete s;
}

extern "C" size_t xc_sortable_serialise(char out[XC_SORTABLE_MAX], double v)
{
	return Xapian::sortable_serialise_(v, out);
}

extern "C" double xc_sortable_unserialise(const char *p, size_t len)
{
	try {
		return Xapian::sortable_unserialise(std::string(p, len));
	} catch (...) {
		return 0.0;
	}
}
