#pragma once
// A temporary directory removed at the end of its scope. Made searchable by others
// (0755) so that the postgres service user can reach a database cluster inside it.
#include <filesystem>
#include <string>

namespace intake::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "intake-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace intake::testing
