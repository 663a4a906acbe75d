"""Jira Cloud through the real `jira` client: the boards' tickets (`client`, `jql`), their history
and comments (`history`), the writes and on-demand reads (`writes`), and Jira's errors (`errors`)."""
