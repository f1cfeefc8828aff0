// Package train trains one child network from scratch, the work every
// multi-trial search and every retraining repeats: an image classifier
// (Classifier: SGD with Nesterov momentum, weight decay, a cosine learning rate,
// augmentation, a progress bar; Accuracy on a test set) and a language model
// over a recurrent cell (TrainLanguageModel, LanguageModelPerplexity). It also
// holds SimpleCNN, the fixed network of `gonas mnist`, and CountParameters.
//
// It sits above package nas (an ImageModel or RNNCell comes from a search space)
// and below the searches (nas/enas, nas/multitrial, nas/choice) that call it.
package train
