# The FastAPI baseline of `npm run bench python`: the usual Python wrapper around a scikit-learn model, the
# benchmark's pipeline (pickled in MODEL_DIR/model.pkl) behind FastAPI on uvicorn, one worker, taking Slipway's
# /predict body. Run: /usr/bin/python3 bench/lib/fastapi_sklearn.py <port> <model dir>
import os
import pickle
import sys

import numpy as np
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel

port, model_dir = int(sys.argv[1]), sys.argv[2]
with open(os.path.join(model_dir, "model.pkl"), "rb") as file:
    pipeline = pickle.load(file)
app = FastAPI()


class Inputs(BaseModel):
    features: list[list[float]]


class PredictRequest(BaseModel):
    inputs: Inputs


@app.get("/health")
def health():
    return {"ok": True}


@app.post("/predict")
def predict(request: PredictRequest):
    x = np.asarray(request.inputs.features, dtype=np.float32)
    return {"outputs": {"label": pipeline.predict(x).tolist(), "probabilities": pipeline.predict_proba(x).astype(np.float32).tolist()}}


uvicorn.run(app, host="127.0.0.1", port=port, workers=1, log_level="warning")
