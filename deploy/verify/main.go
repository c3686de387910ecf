// Checks of deploy/ that need no container engine, with the libraries the Docker tools
// themselves use:
//
//	go run . <repo>            load deploy/compose/compose.yaml as `docker compose config`
//	                           does (compose-go: schema, interpolation from .env.example,
//	                           merge keys) and parse and lint deploy/docker/Dockerfile
//	                           with BuildKit's frontend (the `docker build --check` rules)
//	go run . -context <repo>   print the build context's files (.dockerignore applied
//	                           with BuildKit's matcher), for verify.sh --build
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

func main() {
	listContext := flag.Bool("context", false, "print the build context's files")
	flag.Parse()
	root, err := filepath.Abs(flag.Arg(0))
	if err != nil || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: go run . [-context] <repo>")
		os.Exit(2)
	}
	if *listContext {
		check(printContext(root))
		return
	}
	failed := false
	if err := loadCompose(root); err != nil {
		fmt.Println("compose: FAIL:", err)
		failed = true
	}
	if err := lintDockerfile(root); err != nil {
		fmt.Println("Dockerfile: FAIL:", err)
		failed = true
	}
	if failed {
		os.Exit(1)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func loadCompose(root string) error {
	dir := filepath.Join(root, "deploy/compose")
	opts, err := cli.NewProjectOptions([]string{filepath.Join(dir, "compose.yaml")},
		cli.WithWorkingDirectory(dir), cli.WithEnvFiles(filepath.Join(dir, ".env.example")), cli.WithDotEnv)
	if err != nil {
		return err
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		return err
	}
	fmt.Printf("compose: ok, %d services:", len(project.Services))
	for _, name := range project.ServiceNames() {
		fmt.Print(" ", name)
	}
	fmt.Println()
	return nil
}

func lintDockerfile(root string) error {
	src, err := os.ReadFile(filepath.Join(root, "deploy/docker/Dockerfile"))
	if err != nil {
		return err
	}
	ast, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return err
	}
	problems := 0
	for _, warning := range ast.Warnings {
		problems++
		fmt.Println("Dockerfile: parser warning:", warning.Short)
	}
	lint := linter.New(&linter.Config{Warn: func(rule, _, url, message string, location []parser.Range) {
		problems++
		fmt.Printf("Dockerfile: %s: %s (line %d, %s)\n", rule, message, location[0].Start.Line, url)
	}})
	stages, _, err := instructions.Parse(ast.AST, lint)
	if err != nil {
		return err
	}
	if problems > 0 {
		return fmt.Errorf("%d lint findings", problems)
	}
	fmt.Printf("Dockerfile: ok, %d stages, no lint findings\n", len(stages))
	return nil
}

func printContext(root string) error {
	file, err := os.Open(filepath.Join(root, ".dockerignore"))
	if err != nil {
		return err
	}
	defer file.Close()
	patterns, err := ignorefile.ReadAll(file)
	if err != nil {
		return err
	}
	matcher, err := patternmatcher.New(patterns)
	if err != nil {
		return err
	}
	return filepath.WalkDir(root, func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if rel == "." {
			return nil
		}
		ignored, err := matcher.MatchesOrParentMatches(rel)
		if err != nil {
			return err
		}
		if ignored {
			if entry.IsDir() && !matcher.Exclusions() {
				return filepath.SkipDir
			}
			return nil
		}
		if !entry.IsDir() {
			fmt.Println(rel)
		}
		return nil
	})
}
