import Graph from "graphology";
import Sigma from "sigma";
import forceAtlas2 from "graphology-layout-forceatlas2";
import FA2Layout from "graphology-layout-forceatlas2/worker";
import { bidirectional } from "graphology-shortest-path/unweighted";
window.ATGVendor = { Graph, Sigma, forceAtlas2, FA2Layout, bidirectional };
