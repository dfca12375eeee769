# The runtime image for Python models on Kubernetes (SLIPWAY_K8S_PYTHON_RUNTIME_IMAGE): the Slipway image with
# Debian's python3, numpy and scikit-learn, which the replicas' predictors (and MLflow sklearn models) run on.
# Build from the repository root:  docker build -f deploy/python-runtime.Dockerfile --build-arg BASE=slipway:latest -t slipway-python:latest .
ARG BASE=slipway:latest
FROM ${BASE}
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 python3-numpy python3-sklearn \
  && rm -rf /var/lib/apt/lists/*
# The pod is the sandbox: no bubblewrap inside it (SLIPWAY_SANDBOX=off); user code gets the allowlisted environment.
ENV SLIPWAY_SANDBOX=off
