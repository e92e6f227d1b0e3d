"""Seeded rollouts for the Ray tier: groups of `k` rollouts of a product question, shuffled so that
groups interleave in the batch (as a trainer's batch does)."""
import random



def rollouts(seed, n_groups, k=8):
    rnd = random.Random(seed)
    out = []
    for g in range(n_groups):
        a, b = rnd.randint(1, 60), rnd.randint(1, 60)
        for j in range(k):
            ans = a * b if rnd.random() < 0.6 else a * b + 1
            t = rnd.randint(20, 400)
            out.append({"id": f"{seed}-{g}-{j}", "group": f"p{g}", "task": "math",
                        "prompt": f"What is {a} * {b}?",
                        "response": f"<think>{'so ' * (t // 10)}</think><answer>{ans}</answer>",
                        "reference": str(a * b), "tokens": t})
    rnd.shuffle(out)
    return out
