/*
 * date.c - publication dates as news writes them, to Unix seconds UTC.
 *
 * One hand-written recursive-descent scanner instead of strptime(): strptime
 * depends on the process locale (the library never touches it), needs one
 * format string per shape, and silently accepts nonsense such as day 31 of
 * February. News dates come in a handful of shapes, listed in reader.h;
 * each is tried at the start of the input and the first that reads a whole
 * valid calendar date wins. The query parser calls date_parse() too, so
 * `date:13.02.2025` means what the indexer stored.
 *
 * Rules that keep the scanner from guessing wildly:
 *  - a date needs a year: "Feb 13" alone is no date;
 *  - years outside 1800..2200 are rejected (OCR noise, epoch milliseconds
 *    read as a year);
 *  - four-digit years only, except in all-numeric forms ("04/11/87"), where
 *    00-49 means 20xx and 50-99 means 19xx;
 *  - "a/b/y" is the US month/day order unless a > 12; "a.b.y" and "a-b-y"
 *    are day first (Europe);
 *  - a time without a zone is taken as UTC; zones are numeric offsets, the
 *    unambiguous names in zone_table, and the US generic names ET, CT, MT
 *    and PT, read as standard or daylight time by the US rule of that
 *    date (us_dst);
 *  - a time followed by a zone we cannot resolve ("IST" is India, Israel
 *    or Ireland; "XYZ"; IANA names such as "Europe/Paris") keeps the date,
 *    drops the time of day (a wrong hour would be worse than none) and
 *    says so through date_note, for the reader to warn. IANA names are not
 *    resolved: libc resolves them only through the process-global TZ
 *    (setenv + tzset + localtime_r), which races with the readers running
 *    in parallel threads, and lede does not parse zoneinfo files itself;
 *  - an impossible time or offset after a date ("25:00", "10:61",
 *    "+25:00", TIME_IMPOSSIBLE) is not taken: after an impossible time
 *    the scan gives the date alone, at midnight UTC; an impossible offset
 *    after a good time is left unread, the time kept ("10:00-16:00" is a
 *    range); either way it sets date_note.bad_time. A date field
 *    (reader_article_date) is then unreadable, since taking the date alone
 *    would hide a typo or a corrupt feed; a date at the start of a text
 *    (a dateline: "March 3, 2020 10:00-16:00 - Delegates ...") keeps its
 *    day, since prose follows it.
 *
 * Day counting is Howard Hinnant's days_from_civil (proleptic Gregorian),
 * so no libc time function (timegm, mktime, TZ) is involved.
 */
#include <string.h>

#include "reader.h"

/* Accepted years: the oldest digitized newspapers on one side, a clear
 * typo on the other. */
#define DATE_MIN_YEAR 1800
#define DATE_MAX_YEAR 2200
/* Longest month, weekday or zone word we compare (bytes, lowercase UTF-8:
 * "septiembre", "donnerstag", Cyrillic "сентября" is 16). */
#define DATE_WORD_MAX 20

/* What time_of_day, zone and numeric_offset return for a time or an
 * offset that is written out but impossible ("25:00", "10:61",
 * "+25:00"): the date it follows stands alone, with date_note.bad_time
 * set (see the rules above). */
#define TIME_IMPOSSIBLE ((size_t)-1)

/* For a time or offset that is impossible (TIME_IMPOSSIBLE): notes it and
 * returns end: where the date alone ends, or (an impossible offset) the time
 * without it. */
static size_t bad_time(date_note *note, size_t end)
{
	if (note != NULL) {
		note->bad_time = 1;
		note->zone[0] = '\0';
	}
	return end;
}

/* 年 月 日: the year, month and day marks of Chinese and Japanese dates. */
#define CJK_YEAR "\xe5\xb9\xb4"
#define CJK_MONTH "\xe6\x9c\x88"
#define CJK_DAY "\xe6\x97\xa5"

struct name_num {
	const char *name; /* lowercase UTF-8 */
	int num;
};

/* Month names: English, French, German, Spanish, Portuguese, with the
 * abbreviations newspapers print (the period after them is optional). */
static const struct name_num month_table[] = {
    {"january", 1},
    {"jan", 1},
    {"february", 2},
    {"feb", 2},
    {"march", 3},
    {"mar", 3},
    {"april", 4},
    {"apr", 4},
    {"may", 5},
    {"june", 6},
    {"jun", 6},
    {"july", 7},
    {"jul", 7},
    {"august", 8},
    {"aug", 8},
    {"september", 9},
    {"sept", 9},
    {"sep", 9},
    {"october", 10},
    {"oct", 10},
    {"november", 11},
    {"nov", 11},
    {"december", 12},
    {"dec", 12},
    /* fr */
    {"janvier", 1},
    {"janv", 1},
    {"f\xc3\xa9vrier", 2},
    {"fevrier", 2},
    {"f\xc3\xa9vr", 2},
    {"fevr", 2},
    {"mars", 3},
    {"avril", 4},
    {"avr", 4},
    {"mai", 5},
    {"juin", 6},
    {"juillet", 7},
    {"juil", 7},
    {"ao\xc3\xbbt", 8},
    {"aout", 8},
    {"septembre", 9},
    {"octobre", 10},
    {"novembre", 11},
    {"d\xc3\xa9\x63\x65mbre", 12},
    {"decembre", 12},
    {"d\xc3\xa9\x63", 12},
    /* de */
    {"januar", 1},
    {"j\xc3\xa4nner", 1},
    {"jaenner", 1},
    {"februar", 2},
    {"feber", 2},
    {"m\xc3\xa4rz", 3},
    {"maerz", 3},
    {"juni", 6},
    {"juli", 7},
    {"oktober", 10},
    {"okt", 10},
    {"dezember", 12},
    {"dez", 12},
    /* es */
    {"enero", 1},
    {"ene", 1},
    {"febrero", 2},
    {"marzo", 3},
    {"abril", 4},
    {"abr", 4},
    {"mayo", 5},
    {"junio", 6},
    {"julio", 7},
    {"agosto", 8},
    {"ago", 8},
    {"septiembre", 9},
    {"setiembre", 9},
    {"octubre", 10},
    {"noviembre", 11},
    {"diciembre", 12},
    {"dic", 12},
    /* pt */
    {"janeiro", 1},
    {"fevereiro", 2},
    {"fev", 2},
    {"mar\xc3\xa7o", 3},
    {"maio", 5},
    {"junho", 6},
    {"julho", 7},
    {"setembro", 9},
    {"outubro", 10},
    {"novembro", 11},
    {"dezembro", 12},
    /* ru: nominative and genitive ("16 февраля 2024") */
    {"\xd1\x8f\xd0\xbd\xd0\xb2\xd0\xb0\xd1\x80\xd1\x8c", 1},
    {"\xd1\x8f\xd0\xbd\xd0\xb2\xd0\xb0\xd1\x80\xd1\x8f", 1},
    {"\xd1\x84\xd0\xb5\xd0\xb2\xd1\x80\xd0\xb0\xd0\xbb\xd1\x8c", 2},
    {"\xd1\x84\xd0\xb5\xd0\xb2\xd1\x80\xd0\xb0\xd0\xbb\xd1\x8f", 2},
    {"\xd0\xbc\xd0\xb0\xd1\x80\xd1\x82", 3},
    {"\xd0\xbc\xd0\xb0\xd1\x80\xd1\x82\xd0\xb0", 3},
    {"\xd0\xb0\xd0\xbf\xd1\x80\xd0\xb5\xd0\xbb\xd1\x8c", 4},
    {"\xd0\xb0\xd0\xbf\xd1\x80\xd0\xb5\xd0\xbb\xd1\x8f", 4},
    {"\xd0\xbc\xd0\xb0\xd0\xb9", 5},
    {"\xd0\xbc\xd0\xb0\xd1\x8f", 5},
    {"\xd0\xb8\xd1\x8e\xd0\xbd\xd1\x8c", 6},
    {"\xd0\xb8\xd1\x8e\xd0\xbd\xd1\x8f", 6},
    {"\xd0\xb8\xd1\x8e\xd0\xbb\xd1\x8c", 7},
    {"\xd0\xb8\xd1\x8e\xd0\xbb\xd1\x8f", 7},
    {"\xd0\xb0\xd0\xb2\xd0\xb3\xd1\x83\xd1\x81\xd1\x82", 8},
    {"\xd0\xb0\xd0\xb2\xd0\xb3\xd1\x83\xd1\x81\xd1\x82\xd0\xb0", 8},
    {"\xd1\x81\xd0\xb5\xd0\xbd\xd1\x82\xd1\x8f\xd0\xb1\xd1\x80\xd1\x8c", 9},
    {"\xd1\x81\xd0\xb5\xd0\xbd\xd1\x82\xd1\x8f\xd0\xb1\xd1\x80\xd1\x8f", 9},
    {"\xd0\xbe\xd0\xba\xd1\x82\xd1\x8f\xd0\xb1\xd1\x80\xd1\x8c", 10},
    {"\xd0\xbe\xd0\xba\xd1\x82\xd1\x8f\xd0\xb1\xd1\x80\xd1\x8f", 10},
    {"\xd0\xbd\xd0\xbe\xd1\x8f\xd0\xb1\xd1\x80\xd1\x8c", 11},
    {"\xd0\xbd\xd0\xbe\xd1\x8f\xd0\xb1\xd1\x80\xd1\x8f", 11},
    {"\xd0\xb4\xd0\xb5\xd0\xba\xd0\xb0\xd0\xb1\xd1\x80\xd1\x8c", 12},
    {"\xd0\xb4\xd0\xb5\xd0\xba\xd0\xb0\xd0\xb1\xd1\x80\xd1\x8f", 12},
};

/* Weekday names are skipped before a date ("Thu, 13 Feb 2025"). */
static const char *const weekday_table[] = {
    "monday",
    "mon",
    "tuesday",
    "tue",
    "tues",
    "wednesday",
    "wed",
    "thursday",
    "thu",
    "thur",
    "thurs",
    "friday",
    "fri",
    "saturday",
    "sat",
    "sunday",
    "sun",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonnabend",
    "sonntag",
    "lunes",
    "martes",
    "mi\xc3\xa9rcoles",
    "miercoles",
    "jueves",
    "viernes",
    "s\xc3\xa1\x62\x61\x64o",
    "sabado",
    "domingo",
};

/* The US generic zone names, in minutes east of UTC in standard time; an
 * hour is added while daylight saving time is in force (us_dst). */
static const struct name_num us_zone_table[] = {
    {"et", -300}, {"ct", -360}, {"mt", -420}, {"pt", -480}};

/* Unknown zone abbreviations taken after a time: DATE_ZONE_ABBR_MIN to
 * DATE_ZONE_ABBR_MAX capitals ("IST", "WAKT"). Two capitals are not
 * enough: Reuters-21578 follows its times with desk codes ("RM", "A RM"). */
#define DATE_ZONE_ABBR_MIN 3
#define DATE_ZONE_ABBR_MAX 5

/* Zone names with a single meaning, in minutes east of UTC. */
static const struct name_num zone_table[] = {
    {"utc", 0},	   {"gmt", 0},	  {"ut", 0},	  {"z", 0},	  {"wet", 0},
    {"west", 60},  {"bst", 60},	  {"cet", 60},	  {"cest", 120},  {"met", 60},
    {"mest", 120}, {"eet", 120},  {"eest", 180},  {"msk", 180},	  {"est", -300},
    {"edt", -240}, {"cst", -360}, {"cdt", -300},  {"mst", -420},  {"mdt", -360},
    {"pst", -480}, {"pdt", -420}, {"akst", -540}, {"akdt", -480}, {"hst", -600},
    {"jst", 540},  {"kst", 540},  {"hkt", 480},	  {"sgt", 480},	  {"aest", 600},
    {"aedt", 660}, {"nzst", 720}, {"nzdt", 780},
};

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Skips blanks, the no-break space (U+00A0) included: web dates use it. */
static size_t skip_blanks(const char *s, size_t len, size_t i)
{
	for (;;) {
		if (i < len && is_blank((unsigned char)s[i]))
			i++;
		else if (i + 1 < len && (unsigned char)s[i] == 0xc2 &&
			 (unsigned char)s[i + 1] == 0xa0)
			i += 2;
		else
			return i;
	}
}

/* Reads up to maxd digits at s[*i]; returns the count read (0: none) and
 * the value in *v. */
static size_t digits(const char *s, size_t len, size_t *i, size_t maxd, int *v)
{
	size_t n = 0;
	int x = 0;

	while (*i + n < len && n < maxd && is_digit((unsigned char)s[*i + n])) {
		x = x * 10 + (s[*i + n] - '0');
		n++;
	}
	*i += n;
	*v = x;
	return n;
}

/* Reads a word (letters, any UTF-8 non-ASCII byte counting as a letter)
 * at s[i], lowercased (ASCII, Latin-1 capitals U+00C0..U+00DE, Cyrillic
 * U+0410..U+042F; lowercasing keeps the byte length) into w. Returns its
 * byte length, or 0 if none or longer than DATE_WORD_MAX. */
static size_t word(const char *s, size_t len, size_t i, char *w)
{
	size_t n = 0;

	while (i + n < len && is_alpha((unsigned char)s[i + n])) {
		unsigned char c = (unsigned char)s[i + n];

		if (n >= DATE_WORD_MAX)
			return 0;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		else if (n > 0 && (unsigned char)w[n - 1] == 0xc3 &&
			 c >= 0x80 && c <= 0x9e && c != 0x97)
			c = (unsigned char)(c + 32);
		else if (n > 0 && (unsigned char)w[n - 1] == 0xd0 &&
			 c >= 0x90 && c <= 0x9f)
			c = (unsigned char)(c + 0x20);
		else if (n > 0 && (unsigned char)w[n - 1] == 0xd0 &&
			 c >= 0xa0 && c <= 0xaf) {
			w[n - 1] = (char)0xd1;
			c = (unsigned char)(c - 0x20);
		}
		w[n++] = (char)c;
	}
	w[n] = '\0';
	return n;
}

static int lookup(const struct name_num *t, size_t nt, const char *w)
{
	for (size_t k = 0; k < nt; k++)
		if (strcmp(t[k].name, w) == 0)
			return t[k].num;
	return -1;
}

/* Month number of the word at s[*i] (advancing past it and an optional
 * period), or 0. */
static int month_word(const char *s, size_t len, size_t *i)
{
	char w[DATE_WORD_MAX + 1];
	size_t n = word(s, len, *i, w);
	int m;

	if (n == 0)
		return 0;
	m = lookup(month_table, sizeof month_table / sizeof month_table[0], w);
	if (m < 0)
		return 0;
	*i += n;
	if (*i < len && s[*i] == '.')
		(*i)++;
	return m;
}

/* Skips a weekday name and the punctuation after it, if there is one. */
static size_t skip_weekday(const char *s, size_t len, size_t i)
{
	char w[DATE_WORD_MAX + 1];
	size_t n = word(s, len, i, w);

	if (n == 0)
		return i;
	for (size_t k = 0; k < sizeof weekday_table / sizeof weekday_table[0];
	     k++) {
		if (strcmp(weekday_table[k], w) == 0) {
			i += n;
			if (i < len && s[i] == '.')
				i++;
			if (i < len && s[i] == ',')
				i++;
			return skip_blanks(s, len, i);
		}
	}
	return i;
}

/* Skips what separates day, month and year: blanks, one of ",.-/", and
 * the Spanish/Portuguese "de"/"del" ("13 de febrero de 2025"). */
static size_t skip_sep(const char *s, size_t len, size_t i)
{
	i = skip_blanks(s, len, i);
	if (i < len &&
	    (s[i] == ',' || s[i] == '.' || s[i] == '-' || s[i] == '/'))
		i = skip_blanks(s, len, i + 1);
	if (i + 2 < len && (s[i] == 'd' || s[i] == 'D') &&
	    (s[i + 1] == 'e' || s[i + 1] == 'E')) {
		size_t j = i + 2;

		if (j < len && (s[j] == 'l' || s[j] == 'L'))
			j++;
		if (j < len && is_blank((unsigned char)s[j]))
			i = skip_blanks(s, len, j);
	}
	return i;
}

/* Reads a year of exactly four digits not followed by another digit. */
static int year4(const char *s, size_t len, size_t *i, int *y)
{
	size_t j = *i;

	if (digits(s, len, &j, 5, y) != 4)
		return 0;
	*i = j;
	return 1;
}

static int leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int valid_ymd(int y, int m, int d)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};

	if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap(y));
}

int64_t date_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Inverse of date_days_from_civil (Hinnant's civil_from_days). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

/* Day number of the nth Sunday of month m (n = 0: the last one). */
static int64_t sunday(int y, int m, int n)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};
	int64_t first = date_days_from_civil(y, (unsigned)m, 1), last;
	/* 1970-01-01 was a Thursday: weekday (0 = Sunday) is (day + 4) % 7. */
	int64_t wd = ((first + 4) % 7 + 7) % 7;

	if (n > 0)
		return first + (7 - wd) % 7 + 7 * (n - 1);
	last = first + mdays[m - 1] - 1 + (m == 2 && leap(y));
	return last - ((last + 4) % 7 + 7) % 7;
}

/* Is US daylight saving time in force at local hour h of day number day?
 * The federal rule of the year: since 2007 from the second Sunday of March
 * to the first Sunday of November, 1987-2006 the first Sunday of April to
 * the last of October, 1967-1986 the last Sunday of April to the last of
 * October (the 1974-75 emergency years aside); switching at 02:00 local.
 * Before 1967 there was no national rule: standard time. */
static int us_dst(int64_t day, int h)
{
	int y, m, d;
	int64_t start, end;

	civil_from_days(day, &y, &m, &d);
	if (y >= 2007) {
		start = sunday(y, 3, 2);
		end = sunday(y, 11, 1);
	} else if (y >= 1987) {
		start = sunday(y, 4, 1);
		end = sunday(y, 10, 0);
	} else if (y >= 1967) {
		start = sunday(y, 4, 0);
		end = sunday(y, 10, 0);
	} else {
		return 0;
	}
	if (day == start)
		return h >= 2;
	if (day == end)
		return h < 2; /* the repeated hour is taken as daylight time */
	return day > start && day < end;
}

/* An unresolvable zone name at s[i]: an IANA name ("Europe/Paris",
 * "America/New_York") or DATE_ZONE_ABBR_MIN to DATE_ZONE_ABBR_MAX
 * capitals not followed by a letter ("IST", "XYZ"). Returns its length,
 * or 0. */
static size_t unknown_zone(const char *s, size_t len, size_t i)
{
	size_t n = 0, slash = 0;

	if (i >= len || s[i] < 'A' || s[i] > 'Z')
		return 0;
	while (i + n < len && ((s[i + n] >= 'A' && s[i + n] <= 'Z') ||
			       (s[i + n] >= 'a' && s[i + n] <= 'z') ||
			       s[i + n] == '_' || (s[i + n] == '/' && n > 0) ||
			       (slash && (s[i + n] == '-' ||
					  is_digit((unsigned char)s[i + n])))))
		if (s[i + n++] == '/')
			slash++;
	if (n > DATE_NOTE_ZONE_MAX ||
	    (i + n < len && is_alpha((unsigned char)s[i + n])))
		return 0;
	if (slash > 0)
		return s[i + n - 1] != '/' ? n : 0;
	if (n < DATE_ZONE_ABBR_MIN || n > DATE_ZONE_ABBR_MAX)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (s[i + k] < 'A' || s[i + k] > 'Z')
			return 0;
	return n;
}

/* Reads a numeric offset at s[i]: "+01:00", "-0500", "+01". Sets *off
 * (minutes east) and returns the index after it, or i if none, or
 * TIME_IMPOSSIBLE for hours and minutes out of range ("+25:00", "+0560").
 * A bare "+25" is no offset (after a blank it may be a number of the
 * text). */
static size_t numeric_offset(const char *s, size_t len, size_t i, int *off)
{
	size_t k = i + 1, nd;
	int sign, h, m = -1;

	if (!(i + 1 < len && (s[i] == '+' || s[i] == '-') &&
	      is_digit((unsigned char)s[i + 1])))
		return i;
	sign = s[i] == '-' ? -1 : 1;
	nd = digits(s, len, &k, 5, &h);
	if (nd == 4) {
		m = h % 100;
		h /= 100;
	} else if (nd == 1 || nd == 2) {
		if (k + 1 < len && s[k] == ':' &&
		    is_digit((unsigned char)s[k + 1])) {
			k++;
			if (digits(s, len, &k, 3, &m) != 2)
				return i;
		}
	} else {
		return i;
	}
	if (m < 0 && h > 14)
		return i;
	if (h > 14 || m > 59)
		return TIME_IMPOSSIBLE;
	*off = sign * (h * 60 + (m < 0 ? 0 : m));
	return k;
}

/* Reads a zone at s[i]: "Z", a numeric offset, or a name from zone_table
 * optionally followed by an offset ("GMT+1", "UTC+05:30"). Sets *off
 * (minutes east); returns the index after it, or i if none, or
 * TIME_IMPOSSIBLE (numeric_offset). A US generic name (ET, CT, MT, PT)
 * sets *us to 1 and *off to its standard offset. */
static size_t zone(const char *s, size_t len, size_t i, int *off, int *us)
{
	char w[DATE_WORD_MAX + 1];
	size_t n = word(s, len, i, w), k;
	int base = 0, o = 0;

	*us = 0;
	if (n > 0) {
		base = lookup(zone_table,
			      sizeof zone_table / sizeof zone_table[0], w);
		if (base == -1) {
			base = lookup(
			    us_zone_table,
			    sizeof us_zone_table / sizeof us_zone_table[0], w);
			if (base == -1)
				return i;
			*us = 1;
			*off = base;
			return i + n;
		}
	}
	k = numeric_offset(s, len, i + n, &o);
	if (k == TIME_IMPOSSIBLE)
		return k;
	if (k == i + n && n == 0)
		return i;
	*off = base + o;
	return k;
}

/* Reads a time of day at s[i]: "10:00", "10:00:00.79", "3:15 p.m.", with
 * an optional zone, on day number day (local). Sets *secs (seconds since
 * midnight, zone applied, may be negative or over a day) and returns the
 * index after it, 0 when there is no time at i, or TIME_IMPOSSIBLE when
 * one is written (H:MM or HH:MM) but out of range: hour over 24 (24 only as
 * 24:00:00), minute over 59, second over 60, an a.m./p.m. hour not from
 * 1 to 12. An impossible offset after it is left unread and noted
 * (date_note.bad_time). An unresolvable zone after the time is
 * consumed, *secs is 0 (no time of day) and the zone is copied to note
 * (when not NULL). */
static size_t time_of_day(const char *s, size_t len, size_t i, int64_t day,
			  int64_t *secs, date_note *note)
{
	int h, m, sec = 0, off = 0, us = 0;
	size_t j = i, save, nh = digits(s, len, &j, 3, &h);

	if (nh == 0)
		return 0;
	if (j >= len || s[j] != ':')
		return 0;
	j++;
	if (digits(s, len, &j, 3, &m) != 2)
		return 0;
	if (h > 24 && nh == 3)
		return 0; /* Reuters-21578's "605:12:19.12": noise, no time */
	if (h > 24 || m > 59)
		return TIME_IMPOSSIBLE;
	if (j + 1 < len && s[j] == ':' && is_digit((unsigned char)s[j + 1])) {
		j++;
		if (digits(s, len, &j, 3, &sec) != 2)
			return 0;
		if (sec > 60)
			return TIME_IMPOSSIBLE;
		if (sec == 60)
			sec = 59; /* leap second: keep it in the same minute */
		if (j + 1 < len && (s[j] == '.' || s[j] == ',') &&
		    is_digit((unsigned char)s[j + 1])) {
			j++;
			while (j < len && is_digit((unsigned char)s[j]))
				j++;
		}
	}
	if (h == 24 && (m != 0 || sec != 0))
		return TIME_IMPOSSIBLE;
	/* am/pm: "am", "pm", "a.m.", "p.m.", any case, after optional blank. */
	save = j;
	j = skip_blanks(s, len, j);
	if (j + 1 < len &&
	    (s[j] == 'a' || s[j] == 'A' || s[j] == 'p' || s[j] == 'P')) {
		int pm = s[j] == 'p' || s[j] == 'P';
		size_t k = j + 1;

		if (k < len && s[k] == '.')
			k++;
		if (k < len && (s[k] == 'm' || s[k] == 'M')) {
			k++;
			if (k < len && s[k] == '.')
				k++;
			if (!(k < len && is_alpha((unsigned char)s[k]))) {
				if (h < 1 || h > 12)
					return TIME_IMPOSSIBLE;
				h = (h % 12) + (pm ? 12 : 0);
				save = k;
			}
		}
	}
	j = save;
	/* Zone: directly ("10:00Z", "10:00+01:00") or after a blank. */
	{
		size_t k = zone(s, len, j, &off, &us);

		if (k == j) {
			size_t b = skip_blanks(s, len, j);

			if (b > j) {
				k = zone(s, len, b, &off, &us);
				if (k == TIME_IMPOSSIBLE) /* "10:00 +2000 x" */
					k = bad_time(note, b);
				if (k == b) {
					size_t n = unknown_zone(s, len, b);

					if (n > 0) {
						if (note != NULL) {
							memcpy(note->zone,
							       s + b, n);
							note->zone[n] = '\0';
						}
						*secs = 0;
						return b + n;
					}
					k = j;
				}
			}
		}
		if (k == TIME_IMPOSSIBLE) /* "10:00-16:00", a range */
			k = bad_time(note, j);
		j = k;
	}
	if (us && us_dst(day, h))
		off += 60;
	*secs = (int64_t)h * 3600 + m * 60 + sec - (int64_t)off * 60;
	return j;
}

/* After a date ending at i: an optional time ("T10:00", " 10:00", ", 10:00",
 * " at 10:00", " à 10:00", " um 10:00"). Adds it to *t and returns the new
 * end, i when no time follows, or 0 (no date) when the time is
 * impossible. */
static size_t opt_time(const char *s, size_t len, size_t i, int64_t *t,
		       date_note *note)
{
	size_t j = i;
	int64_t secs;
	size_t k;

	if (j < len && (s[j] == 'T' || s[j] == 't') && j + 1 < len &&
	    is_digit((unsigned char)s[j + 1])) {
		j++;
	} else {
		j = skip_blanks(s, len, j);
		if (j < len && s[j] == ',')
			j = skip_blanks(s, len, j + 1);
		if (j + 2 < len &&
		    (strncmp(s + j, "at", 2) == 0 ||
		     strncmp(s + j, "um", 2) == 0) &&
		    is_blank((unsigned char)s[j + 2]))
			j = skip_blanks(s, len, j + 2);
		else if (j + 3 < len && strncmp(s + j, "\xc3\xa0", 2) == 0 &&
			 is_blank((unsigned char)s[j + 2]))
			j = skip_blanks(s, len, j + 2);
	}
	k = time_of_day(s, len, j, *t / 86400, &secs, note);
	if (k == TIME_IMPOSSIBLE)
		return bad_time(note, i);
	if (k == 0)
		return i;
	*t += secs;
	return k;
}

static int64_t at_midnight(int y, int m, int d)
{
	return date_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400;
}

/* ISO 8601: 2025-02-13, 2025/02/13, 2025.02.13, 20250213, each with an
 * optional time. Returns the end index or 0. */
static size_t iso_date(const char *s, size_t len, size_t i, int64_t *t,
		       date_note *note)
{
	size_t j = i;
	int y, m, d;
	size_t nd = digits(s, len, &j, 9, &y);

	if (nd == 8) {
		d = y % 100;
		m = (y / 100) % 100;
		y /= 10000;
	} else if (nd == 4 && len - j >= 3 && memcmp(s + j, CJK_YEAR, 3) == 0) {
		/* 2025年3月5日 */
		j += 3;
		if (digits(s, len, &j, 3, &m) == 0 || len - j < 3 ||
		    memcmp(s + j, CJK_MONTH, 3) != 0)
			return 0;
		j += 3;
		if (digits(s, len, &j, 3, &d) == 0)
			return 0;
		if (len - j >= 3 && memcmp(s + j, CJK_DAY, 3) == 0)
			j += 3;
		if (!valid_ymd(y, m, d))
			return 0;
		*t = at_midnight(y, m, d);
		return opt_time(s, len, j, t, note);
	} else if (nd == 4 && j < len &&
		   (s[j] == '-' || s[j] == '/' || s[j] == '.')) {
		char sep = s[j++];

		if (digits(s, len, &j, 3, &m) == 0 || m > 12)
			return 0;
		if (j >= len || s[j] != sep)
			return 0;
		j++;
		if (digits(s, len, &j, 3, &d) == 0)
			return 0;
	} else {
		return 0;
	}
	if (j < len && is_digit((unsigned char)s[j]))
		return 0;
	if (!valid_ymd(y, m, d))
		return 0;
	*t = at_midnight(y, m, d);
	if (nd == 8 && j + 1 < len && (s[j] == 'T' || s[j] == 't')) {
		/* Compact time: 20250213T100000Z */
		size_t k = j + 1;
		int hms;
		size_t n = digits(s, len, &k, 7, &hms);

		if (n == 6) {
			int off = 0, us = 0;

			if (!(hms / 10000 < 24 && (hms / 100) % 100 < 60 &&
			      hms % 100 < 61))
				return bad_time(note, j); /* as in opt_time */
			k = zone(s, len, k, &off, &us);
			if (k == TIME_IMPOSSIBLE)
				return bad_time(note, j);
			if (us && us_dst(*t / 86400, hms / 10000))
				off += 60;
			*t += (int64_t)(hms / 10000) * 3600 +
			      ((hms / 100) % 100) * 60 +
			      (hms % 100 == 60 ? 59 : hms % 100) -
			      (int64_t)off * 60;
			return k;
		}
		return j;
	}
	return opt_time(s, len, j, t, note);
}

/* Numeric day/month/year: 02/13/2025 (US), 13.02.2025, 13-02-2025,
 * 04/11/87. Returns the end index or 0. */
static size_t numeric_date(const char *s, size_t len, size_t i, int64_t *t,
			   date_note *note)
{
	size_t j = i;
	int a, b, y, m, d;
	size_t ny;
	char sep;

	if (digits(s, len, &j, 3, &a) == 0 || j - i > 2 || j >= len)
		return 0;
	sep = s[j];
	if (sep != '/' && sep != '.' && sep != '-')
		return 0;
	j++;
	{
		size_t k = j;

		if (digits(s, len, &k, 3, &b) == 0 || k - j > 2)
			return 0;
		j = k;
	}
	if (j >= len || s[j] != sep)
		return 0;
	j++;
	{
		size_t k = j;

		ny = digits(s, len, &k, 5, &y);
		j = k;
	}
	if (ny == 2)
		y += y < 50 ? 2000 : 1900;
	else if (ny != 4)
		return 0;
	if (sep == '/' && a <= 12) {
		m = a;
		d = b;
	} else {
		d = a;
		m = b;
	}
	if (!valid_ymd(y, m, d))
		return 0;
	*t = at_midnight(y, m, d);
	return opt_time(s, len, j, t, note);
}

/* Skips an ordinal suffix after a day number: 1st 2nd 3rd 4th, 1er, 13.
 * (German), and "º". */
static size_t day_suffix(const char *s, size_t len, size_t j)
{
	static const char *const suffixes[] = {"st", "nd", "rd", "th", "er"};

	for (size_t k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++) {
		if (j + 2 <= len && (s[j] | 0x20) == suffixes[k][0] &&
		    (s[j + 1] | 0x20) == suffixes[k][1] &&
		    !(j + 2 < len && is_alpha((unsigned char)s[j + 2])))
			return j + 2;
	}
	if (j + 2 <= len && (unsigned char)s[j] == 0xc2 &&
	    (unsigned char)s[j + 1] == 0xba)
		return j + 2;
	return j;
}

/* Skips the Russian "года" / "г." that follows a year ("16 февраля 2024
 * года"). */
static size_t skip_year_word(const char *s, size_t len, size_t j)
{
	static const char goda[] = "\xd0\xb3\xd0\xbe\xd0\xb4\xd0\xb0";
	size_t k = skip_blanks(s, len, j);

	if (len - k >= sizeof goda - 1 &&
	    memcmp(s + k, goda, sizeof goda - 1) == 0 &&
	    !(k + sizeof goda - 1 < len &&
	      is_alpha((unsigned char)s[k + sizeof goda - 1])))
		return k + sizeof goda - 1;
	if (len - k >= 3 && memcmp(s + k, "\xd0\xb3.", 3) == 0)
		return k + 3;
	return j;
}

/* Day first: 13 February 2025, 13 Feb. 2025, 26-FEB-1987 15:01:01.79,
 * 13. Februar 2025, 1er mai 2012, 13 de febrero de 2025. */
static size_t day_month_year(const char *s, size_t len, size_t i, int64_t *t,
			     date_note *note)
{
	size_t j = i;
	int d, m, y;

	if (digits(s, len, &j, 3, &d) == 0 || j - i > 2)
		return 0;
	j = day_suffix(s, len, j);
	j = skip_sep(s, len, j);
	m = month_word(s, len, &j);
	if (m == 0)
		return 0;
	j = skip_sep(s, len, j);
	if (!year4(s, len, &j, &y) || !valid_ymd(y, m, d))
		return 0;
	*t = at_midnight(y, m, d);
	j = skip_year_word(s, len, j);
	return opt_time(s, len, j, t, note);
}

/* Month first: February 13, 2025; Feb. 13 2025; FEBRUARY 13, 2025. */
static size_t month_day_year(const char *s, size_t len, size_t i, int64_t *t,
			     date_note *note)
{
	size_t j = i, k;
	int d, m, y;

	m = month_word(s, len, &j);
	if (m == 0)
		return 0;
	j = skip_blanks(s, len, j);
	if (j < len && s[j] == '-')
		j++;
	k = j;
	if (digits(s, len, &j, 3, &d) == 0 || j - k > 2)
		return 0;
	j = day_suffix(s, len, j);
	j = skip_sep(s, len, j);
	if (!year4(s, len, &j, &y) || !valid_ymd(y, m, d))
		return 0;
	*t = at_midnight(y, m, d);
	return opt_time(s, len, j, t, note);
}

size_t date_scan_note(int64_t *out, const char *s, size_t len, date_note *note)
{
	size_t i, end;
	int64_t t = 0;

	if (note != NULL) {
		note->zone[0] = '\0';
		note->bad_time = 0;
	}
	if (s == NULL)
		return 0;
	i = skip_blanks(s, len, 0);
	i = skip_weekday(s, len, i);
	if (i >= len)
		return 0;
	if (is_digit((unsigned char)s[i])) {
		end = iso_date(s, len, i, &t, note);
		if (end == 0)
			end = numeric_date(s, len, i, &t, note);
		if (end == 0)
			end = day_month_year(s, len, i, &t, note);
	} else {
		end = month_day_year(s, len, i, &t, note);
	}
	if (end == 0)
		return 0;
	/* A zone name in parentheses after the time: "+0100 (CET)". Only a
	 * known zone: "(AFP)" after a dateline's date is the agency. */
	{
		size_t j = skip_blanks(s, len, end);
		char w[DATE_WORD_MAX + 1];

		if (j < len && s[j] == '(') {
			size_t n = word(s, len, j + 1, w);

			if (n > 0 && j + 1 + n < len && s[j + 1 + n] == ')' &&
			    lookup(zone_table,
				   sizeof zone_table / sizeof zone_table[0],
				   w) != -1)
				end = j + 2 + n;
		}
	}
	*out = t;
	return end;
}

size_t date_scan(int64_t *out, const char *s, size_t len)
{
	return date_scan_note(out, s, len, NULL);
}

int date_parse_note(int64_t *out, const char *s, size_t len, date_note *note)
{
	int64_t t;
	size_t end = date_scan_note(&t, s, len, note);

	if (end == 0 || skip_blanks(s, len, end) != len) {
		if (note != NULL)
			note->zone[0] = '\0';
		return 0;
	}
	*out = t;
	return 1;
}

int date_parse(int64_t *out, const char *s, size_t len)
{
	return date_parse_note(out, s, len, NULL);
}
