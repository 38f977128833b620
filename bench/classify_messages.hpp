#pragma once
// The customer texts that intake-classify-bench classifies: a built-in set, or the "text"
// field of every line of a JSON Lines corpus given with --corpus.
#include <string>
#include <vector>

#include "intake/result.hpp"

namespace intake::bench {

// About fifty after-sales messages written for this benchmark: simplified and traditional
// Chinese, English and a few mixed, from a greeting of ten characters to complaints of
// nearly four hundred; some match many rules of the default pack, some none.
std::vector<std::string> builtin_messages();

// The non-empty "text" strings of a JSON Lines file, in file order. Errors (code
// "bad_corpus") name the file and the line; blank lines are skipped.
Result<std::vector<std::string>> read_corpus_texts(const std::string& path);

}  // namespace intake::bench
