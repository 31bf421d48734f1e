# Slim, non-root image. Data lives in the /data volume; the knowledge base is baked in at
# /app/knowledge and can be replaced by mounting a folder over it (-v ./knowledge:/app/knowledge:ro).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY runner ./runner
# The knowledge is built into the package too (the default when no folder is configured).
COPY knowledge ./knowledge
# The speed extra: the bot runs on uvloop (README, "Bot-side cost of one /ask").
RUN pip install ".[speed]" && useradd --system --uid 10001 --no-create-home pmpo && mkdir /data && chown pmpo /data
COPY deploy/config.docker.yaml ./config.yaml

USER pmpo
VOLUME ["/data"]
# The token comes only from the environment: docker run -e DISCORD_TOKEN=... pmpo-bot
CMD ["pmpo-bot", "--config", "/app/config.yaml", "run"]
