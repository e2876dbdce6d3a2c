import GraphcIR
