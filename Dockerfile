# gutcheck as a container: the bot, its FAQ, the embedding model and a built index in one
# image that runs as a non-root user on a read-only root filesystem. Only /data is written.
#
#   docker build -t gutcheck .
#   docker run --rm --read-only gutcheck ask "is leaky gut real?"
#   docker run -d --read-only --tmpfs /tmp -v gutcheck-data:/data \
#     --env-file deploy/gutcheck.env gutcheck serve
# Settings: GUTCHECK_* variables in the env file, or a TOML file mounted read-only and named
# with `serve --config` (gutcheck.example.toml is in /etc/gutcheck as a starting point).
#
# See README, "Run it in production". compose.yaml runs it with PostgreSQL and two shard ranges.

# ---- build: the release binary, then the index and the FAQ's vectors it will serve ----
FROM rust:1.95-bookworm AS build
WORKDIR /src
# Cargo.toml declares the benches, so cargo wants their files even for `build`.
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY benches benches
# The registry and target caches survive between builds (BuildKit); the binary is copied out
# of the cached target folder in the same step, because a cache mount is not in the layer.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked \
 && install -m 0755 target/release/gutcheck /usr/local/bin/gutcheck
COPY faq faq
COPY models models
# A broken FAQ fails the build, not the first start. Then the index and the vectors of the
# FAQ's phrasings (index/vectors.bin) are built once here: the image serves them read-only,
# so no container ever spends the ~10 s of embedding at start-up.
RUN gutcheck check faq \
 && gutcheck --faq faq --index index --model models/all-minilm-l6-v2 index

# ---- runtime: Debian slim with CA certificates (TLS to Discord) and nothing else ----
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# A fixed uid/gid so a volume's owner is predictable across rebuilds.
RUN groupadd --system --gid 10001 gutcheck \
 && useradd --system --uid 10001 --gid gutcheck --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin gutcheck \
 && install -d -o gutcheck -g gutcheck -m 0700 /data \
 && install -d -m 0755 /etc/gutcheck
COPY --from=build /usr/local/bin/gutcheck /usr/local/bin/gutcheck
# Owned by root and not writable by the bot: the FAQ, the model and the built index. A read-
# only index folder is supported (README, Operations): the index is copied into memory at
# start, and start-up logs one warning saying that nothing is saved there, which is expected.
COPY --from=build /src/faq /app/faq
COPY --from=build /src/models /app/models
COPY --from=build /src/index /app/index
COPY gutcheck.example.toml /etc/gutcheck/gutcheck.example.toml
WORKDIR /app
ENV GUTCHECK_FAQ=/app/faq \
    GUTCHECK_INDEX=/app/index \
    GUTCHECK_MODEL=/app/models/all-minilm-l6-v2 \
    GUTCHECK_DATA_DIR=/data \
    GUTCHECK_METRICS_ADDR=127.0.0.1:9464
# The only writable place: the database file (SQLite, when no PostgreSQL URL is set).
VOLUME ["/data"]
USER gutcheck:gutcheck
# Without curl: bash's /dev/tcp asks /healthz on the metrics listener, inside the container,
# and passes only on "HTTP/1.x 200". Set GUTCHECK_METRICS_ADDR to 0.0.0.0:9464 (and publish
# the port) to let Prometheus scrape from outside; the check follows the port you set.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "port=${GUTCHECK_METRICS_ADDR##*:}; exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q '^HTTP/1\\.[01] 200'"]
ENTRYPOINT ["gutcheck"]
CMD ["serve"]
