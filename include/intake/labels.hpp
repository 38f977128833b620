#pragma once
// The label vocabulary of ../shared/docs/LABELS.md: categories, severity and intents.
// Ids are the wire and database spelling; `parse_*` returns nullopt for unknown ids.
#include <array>
#include <optional>
#include <string_view>

#include "intake/enum_names.hpp"

namespace intake {

enum class Category {
  inquiry,
  product_quality,
  installation_quality,
  misuse,
  staff_attitude,
  logistics,
  complaint,
  other,
};

inline constexpr std::array<Category, 8> kAllCategories = {
    Category::inquiry,        Category::product_quality, Category::installation_quality,
    Category::misuse,         Category::staff_attitude,  Category::logistics,
    Category::complaint,      Category::other};

// LABELS.md's tie order for the primary category: earlier wins.
inline constexpr std::array<Category, 8> kPrimaryPrecedence = {
    Category::product_quality, Category::installation_quality, Category::logistics,
    Category::staff_attitude,  Category::complaint,            Category::misuse,
    Category::inquiry,         Category::other};

enum class Severity { normal, serious, major };

inline constexpr std::array<Severity, 3> kAllSeverities = {Severity::normal, Severity::serious, Severity::major};

enum class Intent { human_request, status_query, compensation_request, retest_request };

inline constexpr std::array<Intent, 4> kAllIntents = {
    Intent::human_request, Intent::status_query, Intent::compensation_request,
    Intent::retest_request};

constexpr std::string_view to_string(Category c) {
  switch (c) {
    case Category::inquiry: return "inquiry";
    case Category::product_quality: return "product_quality";
    case Category::installation_quality: return "installation_quality";
    case Category::misuse: return "misuse";
    case Category::staff_attitude: return "staff_attitude";
    case Category::logistics: return "logistics";
    case Category::complaint: return "complaint";
    case Category::other: return "other";
  }
  return "other";
}

constexpr std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::normal: return "normal";
    case Severity::serious: return "serious";
    case Severity::major: return "major";
  }
  return "normal";
}

constexpr std::string_view to_string(Intent i) {
  switch (i) {
    case Intent::human_request: return "human_request";
    case Intent::status_query: return "status_query";
    case Intent::compensation_request: return "compensation_request";
    case Intent::retest_request: return "retest_request";
  }
  return "human_request";
}

constexpr std::optional<Category> parse_category(std::string_view s) { return from_name(s, kAllCategories); }
constexpr std::optional<Severity> parse_severity(std::string_view s) { return from_name(s, kAllSeverities); }
constexpr std::optional<Intent> parse_intent(std::string_view s) { return from_name(s, kAllIntents); }

// A complaint is any category that carries a grievance: everything but inquiry and other.
constexpr bool is_complaint(Category c) {
  return c != Category::inquiry && c != Category::other;
}

constexpr int precedence_rank(Category c) {
  for (int i = 0; i < static_cast<int>(kPrimaryPrecedence.size()); ++i)
    if (kPrimaryPrecedence[static_cast<std::size_t>(i)] == c) return i;
  return static_cast<int>(kPrimaryPrecedence.size());
}

}  // namespace intake
