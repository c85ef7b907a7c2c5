"""The heuristic policy: no model; proposals, practise and test inputs from the site map."""
