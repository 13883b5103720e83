"""The research report: one self-contained HTML file of figures and run facts, every
number a SQL query on the warehouse opened read-only. `queries` holds the questions the
figures share, `drawing` the figure plumbing, `*_figures` one module per figure family,
`facts` the run-facts table and `document` the assembly (`render`)."""
