# sam build runs these targets for the functions of template.yaml (Metadata BuildMethod: makefile),
# each in its own scratch copy of the project, and deploys what the target leaves in $(ARTIFACTS_DIR).
# Each target runs the project's esbuild script, the same bundle `npm run build` makes and the
# benchmarks measure, then copies one function's bundle: index.js (ESM), the package.json that marks
# it as a module, and the licence notices. Source maps stay out: nothing at run time reads them.
# Run `npm ci` once before `sam build`.

.PHONY: build-IngestorFunction build-DecoratorFunction

build-IngestorFunction:
	node scripts/build.mjs
	cp dist/ingestor/index.js dist/ingestor/package.json dist/ingestor/index.js.LEGAL.txt "$(ARTIFACTS_DIR)/"

build-DecoratorFunction:
	node scripts/build.mjs
	cp dist/decorator/index.js dist/decorator/package.json dist/decorator/index.js.LEGAL.txt "$(ARTIFACTS_DIR)/"
