print("segpredict")
