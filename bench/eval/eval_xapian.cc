/*
 * eval_xapian.cc - the Xapian baseline of `make eval`: Xapian 1.4's stock
 * pipeline, as an application that follows the Xapian documentation would
 * set it up, over the collection lede-eval exported.
 *
 *   eval-xapian DOCS.tsv TOPICS.tsv TAG > RUN
 *
 * DOCS.tsv is "id TAB title TAB body", TOPICS.tsv "qid TAB query" (the same
 * bag-of-words text lede is given). Indexing: TermGenerator with the
 * English stemmer (its default STEM_SOME layout), title then body with a
 * position gap, in an in-memory database. Searching: QueryParser with the
 * English stemmer and the database (default flags, default operator OR, no
 * stopper), Enquire with its default weighting, BM25Weight() (k1 = 1,
 * k2 = 0, k3 = 1, b = 0.5, min_normlen = 0.5). Writes the first 1000 hits
 * of each query as TREC run lines for `lede-eval score`.
 *
 * Nothing is tuned: this is the baseline a Xapian user gets for free.
 */
#include <xapian.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

// Documents retrieved per query: the depth of MAP and recall@1000.
static const Xapian::doccount EVAL_DEPTH = 1000;
// Term positions between title and body, so no phrase spans both (as lede).
static const Xapian::termpos TITLE_GAP = 100;

// Splits "a TAB b TAB c" into up to three fields.
static size_t split_tabs(const std::string &line, std::string f[3])
{
	size_t n = 0, start = 0;

	for (;;) {
		size_t tab = line.find('\t', start);
		if (n == 2 || tab == std::string::npos) {
			f[n++] = line.substr(start);
			return n;
		}
		f[n++] = line.substr(start, tab - start);
		start = tab + 1;
	}
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		std::cerr << "usage: eval-xapian DOCS.tsv TOPICS.tsv TAG\n";
		return 2;
	}
	try {
		Xapian::WritableDatabase db(std::string(),
		                            Xapian::DB_BACKEND_INMEMORY);
		Xapian::TermGenerator tg;
		Xapian::Stem stem("english");
		std::ifstream docs(argv[1]), topics(argv[2]);
		std::string line, f[3];

		if (!docs || !topics) {
			std::cerr << "eval-xapian: cannot read input\n";
			return 2;
		}
		tg.set_stemmer(stem);
		while (std::getline(docs, line)) {
			if (split_tabs(line, f) != 3)
				continue;
			Xapian::Document doc;
			tg.set_document(doc);
			tg.index_text(f[1]);
			tg.increase_termpos(TITLE_GAP);
			tg.index_text(f[2]);
			doc.set_data(f[0]);
			doc.add_boolean_term("Q" + f[0]);
			db.replace_document("Q" + f[0], doc);
		}
		db.commit();

		Xapian::QueryParser qp;
		qp.set_stemmer(stem);
		qp.set_database(db);
		Xapian::Enquire enq(db);
		while (std::getline(topics, line)) {
			if (split_tabs(line, f) != 2)
				continue;
			enq.set_query(qp.parse_query(f[1]));
			Xapian::MSet m = enq.get_mset(0, EVAL_DEPTH);
			unsigned rank = 0;
			for (auto it = m.begin(); it != m.end(); ++it)
				std::printf("%s Q0 %s %u %.6f %s\n",
				            f[0].c_str(),
				            it.get_document().get_data().c_str(),
				            ++rank, it.get_weight(), argv[3]);
		}
	} catch (const Xapian::Error &e) {
		std::cerr << "eval-xapian: " << e.get_description() << "\n";
		return 2;
	}
	return 0;
}
