import Foundation

/// How network outputs become probabilities.
public enum Activation: String, Sendable, CaseIterable {
    case sigmoid, softmax, none
}
