# syntax=docker/dockerfile:1
# The ModelOps operator image.
#
#   docker build --build-arg VERSION=0.1.0 -t modelops:0.1.0 .
#
# Stage 1 builds the release binary with the official Swift image; stage 2 runs it on Swift's
# runtime-only image (the Swift runtime libraries, no compiler) plus libcurl (the API client's
# transport), as an unprivileged numeric user so that Kubernetes can verify runAsNonRoot.

ARG SWIFT_VERSION=6.3

FROM swift:${SWIFT_VERSION}-noble AS build
# libcurl's headers for the CCurl module.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4-openssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first (Package.resolved when present), so that a source change does not refetch them.
COPY Package.* ./
RUN swift package resolve
COPY Plugins ./Plugins
COPY Sources ./Sources
COPY crds ./crds
# The version `modelops --version` prints and the operator logs: written into the source before
# compiling (a test runs this exact command against Sources/modelops/Version.swift).
ARG VERSION=0.1.0-dev
RUN sed -i -E "s/static let current = \"[^\"]*\"/static let current = \"${VERSION}\"/" Sources/modelops/Version.swift
RUN swift build -c release --product modelops \
 && install -D "$(swift build -c release --show-bin-path)/modelops" /out/modelops

FROM swift:${SWIFT_VERSION}-noble-slim AS runtime
# libcurl for the transport, CA certificates, and time-zone data for RetrainPolicy schedules.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4 ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/modelops /usr/local/bin/modelops
USER 65532:65532
# The Deployment in manifests/ passes only args (run --leader-elect ...), so this is the binary.
ENTRYPOINT ["/usr/local/bin/modelops"]
CMD ["run"]
