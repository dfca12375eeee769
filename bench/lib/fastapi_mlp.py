# The FastAPI baseline of `npm run bench serving`: the usual Python wrapper around a model, an MLP of the
# benchmark's shape in PyTorch behind FastAPI on uvicorn (one process), taking Slipway's /predict body.
# Run: /usr/bin/python3 bench/lib/fastapi_mlp.py <port> <inputs> <hidden> <outputs>
import sys

import torch
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel

port, inputs, hidden, outputs = (int(a) for a in sys.argv[1:5])
torch.manual_seed(1)
torch.set_num_threads(1)
model = torch.nn.Sequential(torch.nn.Linear(inputs, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, outputs)).eval()
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
    with torch.no_grad():
        logits = model(torch.tensor(request.inputs.features, dtype=torch.float32))
    return {"outputs": {"logits": logits.tolist()}}


uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
