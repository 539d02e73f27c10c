"""The Trading tab (실시간 매매): start, follow and stop trading sessions in paper, paper-replay or live mode."""
