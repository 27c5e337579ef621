/*
 * status.c - lede_status_str() and lede_version(): the static texts of the
 * public API. Kept apart so every module can name a status without pulling
 * in the index code.
 */
#include "lede_private.h"

LEDE_API const char *lede_version(void)
{
	return LEDE_VERSION_STRING;
}

LEDE_API const char *lede_status_str(lede_status s)
{
	switch (s) {
	case LEDE_OK: return "success";
	case LEDE_ERR_NOMEM: return "out of memory";
	case LEDE_ERR_INVALID: return "invalid argument";
	case LEDE_ERR_NOT_FOUND: return "not found";
	case LEDE_ERR_EXISTS: return "already exists";
	case LEDE_ERR_LOCKED: return "index is locked by another indexer";
	case LEDE_ERR_STALE: return "index changed while reading; reopen and retry";
	case LEDE_ERR_CORRUPT: return "index is corrupt";
	case LEDE_ERR_VERSION: return "index format version not supported";
	case LEDE_ERR_SETTINGS: return "index was created with other analyzer settings";
	case LEDE_ERR_IO: return "input/output error";
	case LEDE_ERR_QUERY: return "bad query";
	case LEDE_ERR_READ_ONLY: return "index is open read-only";
	case LEDE_ERR_FORMAT: return "malformed input";
	case LEDE_ERR_TOO_BIG: return "input over a size limit";
	case LEDE_ERR_BATCH_LOST: return "write failed; uncommitted changes were discarded";
	case LEDE_ERR_UNSUPPORTED: return "not supported by this index";
	case LEDE_ERR_NETWORK: return "remote shard unreachable";
	case LEDE_ERR_INTERRUPTED: return "interrupted";
	case LEDE_ERR_INTERNAL: return "internal error";
	}
	return "unknown status";
}
