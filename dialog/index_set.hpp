#pragma once
// A set of indices below a bound, kept as bits: adding one is a single store, and the
// members come back in increasing order with no sort. Internal to dialog/; the matcher
// keeps the branches a text touches in one.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace intake::dialog {

class IndexSet {
 public:
  // Empties the set and makes room for the indices below `bound`.
  void reset(std::size_t bound) { blocks_.assign((bound + 63) / 64, 0); }
  // `index` must be below the bound given to reset().
  void add(std::size_t index) { blocks_[index / 64] |= std::uint64_t{1} << (index % 64); }
  // Calls each(index) for every member, in increasing order.
  template <class Each>
  void for_each(Each&& each) const {
    for (std::size_t block = 0; block < blocks_.size(); ++block)
      for (std::uint64_t bits = blocks_[block]; bits != 0; bits &= bits - 1)
        each(block * 64 + static_cast<std::size_t>(std::countr_zero(bits)));
  }

 private:
  std::vector<std::uint64_t> blocks_;
};

}  // namespace intake::dialog
