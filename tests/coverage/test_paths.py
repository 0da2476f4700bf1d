"""Report paths to repository paths: monorepos, Go module paths, src layouts, absolute CI paths."""
from __future__ import annotations

from bot.coverage.paths import PathMapper, go_modules

REPO = ["go.mod", "internal/pricing/pricing.go", "services/api/go.mod", "services/api/handler/h.go",
        "packages/web/src/pricing.js", "packages/admin/src/index.js", "packages/web/src/index.js",
        "src/shop/pricing.py", "src/main/java/com/example/shop/Pricing.java", "README.md"]


def test_a_path_that_is_a_repository_file_maps_to_itself() -> None:
    assert PathMapper(REPO).map("src/shop/pricing.py") == "src/shop/pricing.py"
    assert PathMapper(REPO).map("./src/shop/pricing.py") == "src/shop/pricing.py"


def test_absolute_ci_checkout_paths_map_by_suffix() -> None:
    mapper = PathMapper(REPO)
    assert mapper.map("/home/runner/work/shop/shop/src/shop/pricing.py") == "src/shop/pricing.py"
    assert mapper.map("C:\\builds\\shop\\src\\shop\\pricing.py") == "src/shop/pricing.py"


def test_cobertura_source_root_is_joined() -> None:
    # coverage.py with `source = src`: filename relative to the root, root an absolute CI path
    assert PathMapper(REPO).map("shop/pricing.py", ["/builds/group/shop/src"]) == "src/shop/pricing.py"


def test_go_module_paths_map_through_go_mod_including_nested_modules() -> None:
    modules = go_modules({"go.mod": "module github.com/example/shop\n\ngo 1.22\n",
                          "services/api/go.mod": "// api\nmodule github.com/example/shop/services/api\n"})
    mapper = PathMapper(REPO, modules)
    assert mapper.map("github.com/example/shop/internal/pricing/pricing.go") == "internal/pricing/pricing.go"
    assert mapper.map("github.com/example/shop/services/api/handler/h.go") == "services/api/handler/h.go"


def test_monorepo_package_relative_paths_need_a_unique_match() -> None:
    mapper = PathMapper(REPO)
    assert mapper.map("src/pricing.js") == "packages/web/src/pricing.js"  # one pricing.js in the repo
    assert mapper.map("src/index.js") is None  # web or admin: ambiguous, not guessed
    assert PathMapper(REPO, prefixes=["packages/admin"]).map("src/index.js") == "packages/admin/src/index.js"


def test_jacoco_package_paths_map_into_the_maven_layout() -> None:
    assert PathMapper(REPO).map("com/example/shop/Pricing.java") == "src/main/java/com/example/shop/Pricing.java"


def test_same_file_name_elsewhere_is_not_a_match() -> None:
    assert PathMapper(REPO).map("lib/other/pricing.py") is None
    assert PathMapper(REPO).map("/tmp/build/vendor/x/handler/h.go") is None


def test_without_a_file_list_paths_are_only_normalised() -> None:
    assert PathMapper(None).map("./a/../b/c.py") == "b/c.py"
    assert PathMapper(None).map("/abs/path.py") is None
