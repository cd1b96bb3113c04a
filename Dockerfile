# faqbot as a container image: `docker build -t faqbot .`
#
# Written without a Docker daemon at hand: it has been checked only by
# `docker build` on a machine that has Docker (see the README, "Running it
# in a container").

# Build: the locked release build, on the declared minimum Rust.
FROM rust:1.91-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin faqbot

# Run: a slim image with the one binary. The FAQ is embedded in it.
FROM debian:bookworm-slim
# Root certificates for TLS to Discord; nothing else is needed at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin faqbot \
    && mkdir /data && chown faqbot /data
COPY --from=build /src/target/release/faqbot /usr/local/bin/faqbot
# A maintained FAQ folder can be mounted here and served with
# FAQBOT_FAQ_DIR=/faq (watched, and /faq-reload works). Without it, the
# FAQ built into the binary is served.
VOLUME ["/faq"]
# The store (SQLite by default) lives in /data, writable by the bot's user
# and kept across containers; set FAQBOT_DATABASE_URL=postgres://... to use
# PostgreSQL instead.
VOLUME ["/data"]
ENV FAQBOT_DATABASE_URL=sqlite:///data/faqbot.db
# An empty working directory, so a ./faq there is never picked up by
# accident (the mount point is /faq, named explicitly).
WORKDIR /app
USER faqbot
# faqbot stops cleanly on SIGTERM, Docker's stop signal.
ENTRYPOINT ["faqbot"]
CMD ["run"]
