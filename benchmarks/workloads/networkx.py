"""Workload of benchmarks/measured.py for networkx: graph algorithms on generated graphs.

What analysts and services do with networkx: build graphs (random, small-world, directed
acyclic), then run the usual algorithms: connected and strongly connected components, BFS and
Dijkstra shortest paths, sampled betweenness centrality, minimum spanning tree, clustering,
k-cores, Louvain communities, greedy colouring, topological sort and longest path on a DAG,
max-weight matching and max flow.

Run with the Python of a venv that has networkx installed:  python workloads/networkx.py [SCALE]
"""

import os
import random
import sys

# this file is named like the package: keep its folder off sys.path, so that ``import networkx``
# finds the installed package and not this script
_HERE = os.path.dirname(os.path.realpath(__file__))
sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.curdir) != _HERE]

import networkx as nx


def main(scale: float) -> None:
    rng = random.Random(8)
    n = int(12000 * scale)
    g = nx.gnm_random_graph(n, 4 * n, seed=8)
    for u, v in g.edges:
        g.edges[u, v]["weight"] = rng.randint(1, 100)
    ws = nx.connected_watts_strogatz_graph(n // 2, 6, 0.1, seed=8)
    dg = nx.gnp_random_graph(n // 3, 0.01, seed=8, directed=True)
    dag = nx.DiGraph((u, v) for u, v in dg.edges if u < v)

    checksum = 0
    checksum += len(list(nx.connected_components(g)))
    checksum += len(list(nx.strongly_connected_components(dg)))
    for source in range(0, n, max(1, n // 20)):
        checksum += len(nx.single_source_shortest_path_length(g, source))
        checksum += int(sum(nx.single_source_dijkstra_path_length(g, source).values()))
    bc = nx.betweenness_centrality(ws, k=60, seed=8)
    checksum += int(1000 * max(bc.values()))
    mst = nx.minimum_spanning_tree(g)
    checksum += int(mst.size(weight="weight"))
    checksum += int(1000 * nx.average_clustering(ws))
    checksum += max(nx.core_number(g).values())
    communities = nx.community.louvain_communities(ws, seed=8)
    checksum += len(communities)
    checksum += max(nx.greedy_color(g, strategy="largest_first").values())
    checksum += len(list(nx.topological_sort(dag)))
    checksum += len(nx.dag_longest_path(dag))
    small = nx.gnm_random_graph(n // 15, n // 5, seed=8)
    for u, v in small.edges:
        small.edges[u, v]["weight"] = rng.randint(1, 50)
    checksum += len(nx.max_weight_matching(small))
    flow = nx.DiGraph()
    for u, v in dg.edges:
        flow.add_edge(u, v, capacity=rng.randint(1, 20))
    checksum += nx.maximum_flow_value(flow, 0, max(flow.nodes))
    print(f"checksum {checksum}", file=sys.stderr)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
