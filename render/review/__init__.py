"""Turn the model into a finance bureau's review of its 绩效目标, and the review into a PDF and a workbook."""
