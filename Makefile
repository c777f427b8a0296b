# sam build runs these targets for the functions of template.yaml (Metadata BuildMethod: makefile).
# samconfig.toml sets build_in_source, so SAM runs them in the project itself instead of copying it
# (node_modules included) to a scratch directory first. Each target bundles its one function with the
# project's esbuild script, the same bundle `npm run build` makes and the benchmarks measure, straight
# into $(ARTIFACTS_DIR): index.js (ESM), the package.json that marks it as a module, and the licence
# notices. Source maps stay out: nothing at run time reads them.
# Run `npm ci` once before `sam build`.

.PHONY: build-IngestorFunction build-DecoratorFunction build-ReporterFunction

build-IngestorFunction:
	node scripts/build.mjs --function ingestor --outdir "$(ARTIFACTS_DIR)"

build-DecoratorFunction:
	node scripts/build.mjs --function decorator --outdir "$(ARTIFACTS_DIR)"

build-ReporterFunction:
	node scripts/build.mjs --function reporter --outdir "$(ARTIFACTS_DIR)"
