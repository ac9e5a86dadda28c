"""The records time is logged against: clients, cases, circles, tasks, board tasks, the firm."""
