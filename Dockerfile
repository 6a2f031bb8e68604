FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 FORUM_DATABASE_URL=sqlite:////data/forum.db
WORKDIR /src
COPY . .
RUN pip install --no-cache-dir . && useradd --system --home /data agora && mkdir -p /data \
    && chown agora /data
USER agora
WORKDIR /data
EXPOSE 8000
CMD ["forum", "serve", "--host", "0.0.0.0", "--port", "8000"]
