/*
 * query_xapian.cc - the Xapian peer's in-process query driver for `make
 * bench`, over the scriptindex database (title and text stored in the
 * document data as "title=...", "text=..." lines).
 *
 *   query_xapian DB QUERIES [RAWLOG]
 *
 * Xapian::QueryParser (english stemmer, STEM_SOME as scriptindex indexes,
 * default operator AND, FLAG_DEFAULT so "..." are phrases, "date:" a
 * boolean prefix for the XM month terms), Enquire with BM25Weight,
 * get_mset(0, 10), then for each hit the stored data and
 * MSet::snippet(text, 160) with the english stemmer. See qdriver.h.
 */
#include <xapian.h>

#include <string>

#include "qdriver.h"

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: query_xapian DB QUERIES [RAWLOG]\n");
		return 2;
	}
	qd_query *qs;
	int nq = qd_load(argv[2], &qs), nr = 0;
	qd_run *runs = (qd_run *)calloc((size_t)nq * QD_PASSES, sizeof *runs);
	size_t touched = 0;
	try {
		Xapian::Database db(argv[1]);
		Xapian::Stem stem("english");
		Xapian::QueryParser qp;
		qp.set_database(db);
		qp.set_stemmer(stem);
		qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
		qp.set_default_op(Xapian::Query::OP_AND);
		qp.add_boolean_prefix("date", "XM");
		Xapian::Enquire enq(db);
		enq.set_weighting_scheme(Xapian::BM25Weight());
		for (int p = 1; p <= QD_PASSES; p++) {
			for (int i = 0; i < nq; i++) {
				double t0 = qd_now_ms();
				Xapian::Query q = qp.parse_query(
				    qs[i].text, Xapian::QueryParser::FLAG_DEFAULT);
				enq.set_query(q);
				Xapian::MSet ms = enq.get_mset(0, 10);
				unsigned n = 0;
				for (Xapian::MSetIterator it = ms.begin(); it != ms.end();
				     ++it, ++n) {
					std::string data = it.get_document().get_data();
					/* "id=...\nmonth=...\ntext=...\ntitle=..." */
					size_t t = data.find("\ntext="), e;
					std::string text = data;
					if (t != std::string::npos) {
						t += 6;
						e = data.find("\ntitle=", t);
						text = data.substr(t, e == std::string::npos
						                          ? std::string::npos
						                          : e - t);
					}
					std::string snip = ms.snippet(text, 160, stem);
					touched += data.size() + snip.size();
				}
				runs[nr].pass = p;
				runs[nr].q = i;
				runs[nr].hits = n;
				runs[nr++].ms = qd_now_ms() - t0;
			}
		}
	} catch (const Xapian::Error &e) {
		fprintf(stderr, "query_xapian: %s\n", e.get_description().c_str());
		return 2;
	}
	qd_report(runs, nr, qs, nq, argc == 4 ? argv[3] : NULL);
	fprintf(stderr, "query_xapian: %zu bytes of results read\n", touched);
	free(runs);
	free(qs);
	return 0;
}
