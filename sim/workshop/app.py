"""The Streamlit script of the workshop (``mph workshop`` serves it; ``streamlit run`` reruns it on every change).

Streamlit runs this file as ``__main__``. Worker processes for the replications are spawned, and a spawned
process imports the parent's main script under another name: the guard keeps them from importing the page
(and Streamlit) at all.
"""

if __name__ == "__main__":
    from sim.workshop.page import main

    main()
