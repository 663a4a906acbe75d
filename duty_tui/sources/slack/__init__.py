"""The Slack Web API through `slack_sdk`: the channel's messages, threads and the user directory
(`client`), and Slack's errors (`errors`)."""
