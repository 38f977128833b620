#pragma once
// Slot extractors of a rule pack: the details a case needs (order number, phone, product
// model or batch number, address …) found in a message, and which of them each category
// needs before a person can act.
//
// Format (the pack's "slots" array and "details_needed" object):
//   "slots": [{"id": "order_number", "pattern": "(?:订单号?|order (?:no|number))[:# ]*([0-9a-z-]{6,32})",
//              "names": {"zh-Hans": "订单号", "zh-Hant": "訂單號碼", "en": "order number"}},
//             {"id": "rating", "pattern": "非常满意", "value": "5"}, …],
//   "details_needed": {"product_quality": [["order_number", "batch_number"], ["phone", "email"]], …}
// A pattern with a capture group yields the group's text; one without yields its fixed
// "value". Several extractors may share an id: the first that matches, in pack order,
// wins. Patterns are case-insensitive and run on text normalised without case folding
// (NFKC, traditional → simplified), so values keep their case ("XJ-200B").
// details_needed lists, per category, groups of slot ids; a group is satisfied by any of
// its slots. Every slot named there needs "names" (how the bot asks for it).
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "intake/decision.hpp"
#include "intake/result.hpp"

namespace re2 { class RE2; }

namespace intake::dialog {

class SlotExtractors {
 public:
  static Result<SlotExtractors> parse(const nlohmann::json& pack, std::string_view source);

  SlotExtractors();
  SlotExtractors(SlotExtractors&&) noexcept;
  SlotExtractors& operator=(SlotExtractors&&) noexcept;
  ~SlotExtractors();

  // Every slot found in `text` (normalised without case folding).
  Slots extract(std::string_view text) const;

  // The groups of `category`'s needed details that `known` does not satisfy yet, each
  // group as the slot ids it accepts.
  std::vector<std::vector<std::string>> missing(Category category, const Slots& known) const;

  // How the bot names a slot to the customer ("订单号"); the id itself when unnamed.
  std::string display_name(std::string_view slot_id, Script script) const;

 private:
  struct Extractor {
    std::string id;
    std::unique_ptr<re2::RE2> regex;
    std::string fixed_value;
  };
  std::vector<Extractor> extractors_;
  struct Prefilter;  // every pattern in one RE2::Set: extractors run only where it matched
  std::unique_ptr<Prefilter> prefilter_;
  std::map<std::string, std::map<Script, std::string>, std::less<>> names_;
  std::map<Category, std::vector<std::vector<std::string>>> needed_;
};

}  // namespace intake::dialog
